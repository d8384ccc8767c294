import { apiErrorSchema } from "../schemas/run";

/**
 * The browser's one way to call our JSON API: the parsed body of a 2xx answer, or an ApiError
 * whose message is the server's exposed message (or the HTTP status when the body is not ours).
 * Callers parse the body with the contract's schema.
 */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Must match lib/server/session.ts (a server module the browser bundle cannot import). */
const CSRF_COOKIE = "rig_csrf";
const CSRF_HEADER = "x-rig-csrf";

/** The sign-in session's CSRF value, echoed on writes; absent when the server has no access control. */
export function csrfHeader(cookieHeader: string | undefined): Record<string, string> {
  const value = cookieHeader
    ?.split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${CSRF_COOKIE}=`))
    ?.slice(CSRF_COOKIE.length + 1);
  return value ? { [CSRF_HEADER]: decodeURIComponent(value) } : {};
}

export async function fetchApi(url: string, init: RequestInit = {}, fetchImpl: typeof fetch = fetch): Promise<unknown> {
  // A string body is JSON; a FormData body sets its own multipart content type.
  const contentType: Record<string, string> = typeof init.body === "string" ? { "content-type": "application/json" } : {};
  const csrf = typeof document === "undefined" ? {} : csrfHeader(document.cookie);
  const response = await fetchImpl(url, { ...init, headers: { accept: "application/json", ...contentType, ...csrf, ...init.headers } });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const parsed = apiErrorSchema.safeParse(body);
    if (parsed.success) {
      // The access guard's answer to a missing or expired session: go and sign in, then come back.
      if (parsed.data.error.code === "unauthorized" && typeof window !== "undefined") {
        window.location.assign(`/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
      }
      throw new ApiError(parsed.data.error.message, response.status, parsed.data.error.code);
    }
    throw new ApiError(`the server answered ${response.status} ${response.statusText}`.trim(), response.status, `http:${response.status}`);
  }
  return body;
}
