import "server-only";
import type { ZodType } from "zod";
import { AppError, toApiError } from "../errors";
import { describeZodError } from "../jobs/validation";

/** Helpers shared by the route handlers in app/api: JSON bodies, validation, error mapping. */

/** Request bodies above this are refused (413) before parsing; inputs are at most 2,000 characters. */
export const MAX_BODY_BYTES = 64 * 1024;

const noStore = { "Cache-Control": "no-store" };

export function json(body: unknown, init: ResponseInit = {}): Response {
  return Response.json(body, { ...init, headers: { ...noStore, ...init.headers } });
}

/** Maps any error to an apiErrorSchema body; unexposed errors are logged (message only) and hidden. */
export function errorResponse(error: unknown): Response {
  const { status, body } = toApiError(error);
  if (status >= 500) console.error(`[api] ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  return json(body, { status });
}

/** Runs a handler and turns what it throws into an API error response. */
export async function handle(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    return errorResponse(error);
  }
}

/** The request's JSON body: 413 when too large, 400 when empty or not JSON. */
export async function readJsonBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const text = await readBodyText(request, maxBytes);
  if (text.trim() === "") throw new AppError("bad_request:json", "the request body is empty; send a JSON object");
  return parseJson(text);
}

/** Like readJsonBody, for endpoints whose body is optional: undefined when there is none. */
export async function readOptionalJsonBody(request: Request): Promise<unknown> {
  const text = await readBodyText(request);
  return text.trim() === "" ? undefined : parseJson(text);
}

async function readBodyText(request: Request, maxBytes = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw tooLarge(maxBytes);
  return text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError("bad_request:json", `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

function tooLarge(maxBytes = MAX_BODY_BYTES): AppError {
  return new AppError("payload_too_large:body", `the request body is larger than ${maxBytes} bytes`);
}

/** Parses a value (path parameter, query) or throws a 400 `bad_request:<what>`. */
export function parseOrThrow<T>(schema: ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new AppError(`bad_request:${what}`, describeZodError(result.error));
  return result.data;
}
