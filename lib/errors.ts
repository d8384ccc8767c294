/**
 * One error type for the server: a code `<kind>:<subject>` (e.g. `not_found:run`,
 * `bad_request:input`), an HTTP status derived from the kind, and an `expose` flag. Only exposed
 * messages reach clients; anything else becomes a generic 500 whose details stay in the logs.
 */
export type ErrorKind = "bad_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "too_many_requests" | "bad_gateway" | "internal";

const statusByKind: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  bad_gateway: 502,
  internal: 500,
};

export type ErrorCode = `${ErrorKind}:${string}`;

export class AppError extends Error {
  override name = "AppError";
  readonly code: ErrorCode;
  readonly status: number;
  /** Whether `message` may be shown to a client. */
  readonly expose: boolean;

  constructor(code: ErrorCode, message: string, options: { expose?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = statusByKind[code.split(":")[0] as ErrorKind] ?? 500;
    this.expose = options.expose ?? this.status < 500;
  }

  get kind(): ErrorKind {
    return this.code.split(":")[0] as ErrorKind;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** The body of every API error (apiErrorSchema) and its status; unexposed errors say nothing. */
export function toApiError(error: unknown): { status: number; body: { error: { code: string; message: string } } } {
  if (error instanceof AppError && error.expose) {
    return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  }
  const status = error instanceof AppError ? error.status : 500;
  return { status, body: { error: { code: error instanceof AppError ? error.code : "internal:unexpected", message: "something went wrong on the server" } } };
}
