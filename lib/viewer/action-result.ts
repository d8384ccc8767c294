import { ApiError } from "./api-client";

/**
 * What every server action of app/actions returns: its value, or the error an API call would
 * have answered with (a thrown error's message would be hidden in production builds).
 */
export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/**
 * The value of a server action call, or an ApiError with the server's message, for react-query
 * mutations. A call the server refused before any action ran (a session that expired) sends the
 * browser to sign in, as fetchApi does.
 */
export async function runAction<T>(call: () => Promise<ActionResult<T>>): Promise<T> {
  let result: ActionResult<T>;
  try {
    result = await call();
  } catch {
    if (typeof window !== "undefined") window.location.assign(`/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
    throw new ApiError("the server refused the request: sign in again, or reload the page", 0, "action:refused");
  }
  if (!result.ok) throw new ApiError(result.error.message, 0, result.error.code);
  return result.value;
}
