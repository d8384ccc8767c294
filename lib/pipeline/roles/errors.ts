/** Typed failures of a role call. `retryable` tells the loop (and later the back ends) what may be tried again. */
export type RoleName = "diffuser" | "checker" | "actor" | "editor" | "judge";

export type RoleErrorCode =
  | "aborted"
  | "invalid_input"
  | "unsupported_instruction"
  | "model_output_invalid"
  | "backend_unavailable"
  | "timeout";

export class RoleError extends Error {
  constructor(
    readonly role: RoleName,
    readonly code: RoleErrorCode,
    message: string,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(`${role}: ${message}`, options);
    this.name = "RoleError";
  }
}

export function throwIfAborted(role: RoleName, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RoleError(role, "aborted", "the call was aborted");
}
