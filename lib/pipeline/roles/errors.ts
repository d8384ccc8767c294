/** Typed failures of a role call. `retryable` tells the loop (and later the back ends) what may be tried again. */
export type RoleName = "diffuser" | "checker" | "actor" | "editor" | "judge";
export const roleNames = ["diffuser", "checker", "actor", "editor", "judge"] as const satisfies readonly RoleName[];
/** A loop role, or the Scorer: the evaluations' independent grader, which is never a loop role. */
export type CallerRole = RoleName | "scorer";

export type RoleErrorCode =
  | "aborted"
  | "invalid_input"
  | "unsupported_instruction"
  | "model_output_invalid"
  | "backend_unavailable"
  | "timeout";

export class RoleError extends Error {
  constructor(
    readonly role: CallerRole,
    readonly code: RoleErrorCode,
    message: string,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(`${role}: ${message}`, options);
    this.name = "RoleError";
  }
}

export function throwIfAborted(role: CallerRole, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RoleError(role, "aborted", "the call was aborted");
}
