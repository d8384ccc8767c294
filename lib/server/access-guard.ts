import { parseCookie } from "cookie";
import { CSRF_HEADER, openSession, secretsEqual, SESSION_COOKIE } from "./session";

/**
 * Who may do what, decided before Next.js sees a request. With no RIG_AUTH_TOKEN everything is
 * allowed (the server then listens on loopback only, see config.ts). With a token:
 * - public: share pages and their API, images (addressed by their SHA-256, so only a page that
 *   showed them knows the id), static assets, the sign-in page and endpoint, and the reward
 *   endpoint, which needs its own token;
 * - everything else, reads included, needs `Authorization: Bearer <token>` or the session cookie;
 * - a write (any method but GET/HEAD/OPTIONS) on a session cookie also needs the session's CSRF
 *   value in the x-rig-csrf header and, when the browser sends one, an Origin of this host;
 * - a server action (which Next.js posts without our header) on a session cookie needs an Origin,
 *   and it must be this host. The action checks its caller again (lib/server/caller.ts).
 */
export interface GuardRequest {
  method: string;
  /** The request target as received (path and query). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export type GuardDecision =
  | { action: "next" }
  | { action: "respond"; status: number; headers: Record<string, string>; body: string };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
export const SIGN_IN_PATH = "/signin";
export const SESSION_API_PATH = "/api/session";
/** Checks its own token (RIG_REWARD_TOKEN): trainers get that one, never the access token. */
export const REWARD_API_PATH = "/api/reward";

export function isWrite(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * The path the routes will see, dot segments resolved and slashes collapsed; null when it hides a
 * separator in an escape (%2F, %5C) or a backslash, which could make a prefix check and the router
 * disagree, so such paths are never public.
 */
export function normalisedPath(url: string): string | null {
  const rawPath = url.split("?")[0] ?? "";
  if (/%2f|%5c|\\/i.test(rawPath)) return null;
  try {
    return new URL(url, "http://rig.invalid").pathname.replace(/\/{2,}/g, "/");
  } catch {
    return null;
  }
}

const PUBLIC_PREFIXES = ["/s/", "/api/share/", "/api/images/", "/_next/static/"];
const PUBLIC_PATHS = new Set([SIGN_IN_PATH, SESSION_API_PATH, REWARD_API_PATH, "/favicon.ico"]);

export function isPublicPath(path: string | null): boolean {
  if (path === null) return false;
  return PUBLIC_PATHS.has(path) || PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix));
}

function header(headers: GuardRequest["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function jsonError(status: number, code: string, message: string, extra: Record<string, string> = {}): GuardDecision {
  return {
    action: "respond",
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...extra },
    body: JSON.stringify({ error: { code, message } }),
  };
}

/** A same-origin path to return to after signing in; anything else becomes "/". */
export function safeReturnPath(value: string | null | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return "/";
  return value;
}

function signInRedirect(url: string): GuardDecision {
  const target = `${SIGN_IN_PATH}?next=${encodeURIComponent(safeReturnPath(url))}`;
  return { action: "respond", status: 303, headers: { Location: target, "Cache-Control": "no-store" }, body: "" };
}

/** True when the browser's Origin header (if any) names the host the request was sent to. */
function sameOrigin(request: GuardRequest, trustProxy: boolean): boolean {
  const origin = header(request.headers, "origin");
  if (origin === undefined) return true;
  const host = (trustProxy ? header(request.headers, "x-forwarded-host") : undefined) ?? header(request.headers, "host");
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** A Next.js server action: a POST to a page (never an API route) naming the action in `next-action`. */
function isServerAction(request: GuardRequest, path: string | null): boolean {
  return request.method.toUpperCase() === "POST" && header(request.headers, "next-action") !== undefined && path !== null && !path.startsWith("/api/");
}

export async function decideAccess(request: GuardRequest, authToken: string | undefined, trustProxy = false): Promise<GuardDecision> {
  if (!authToken) return { action: "next" };
  const path = normalisedPath(request.url);
  if (isPublicPath(path)) return { action: "next" };

  const authorization = header(request.headers, "authorization");
  if (authorization !== undefined) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (bearer && secretsEqual(bearer, authToken)) return { action: "next" };
    return jsonError(401, "unauthorized", "the bearer token is not valid", { "WWW-Authenticate": 'Bearer realm="rl-rig"' });
  }

  const cookies = parseCookie(header(request.headers, "cookie") ?? "");
  const session = await openSession(cookies[SESSION_COOKIE], authToken);
  if (!session) {
    const isPage = !path?.startsWith("/api/") && !isWrite(request.method);
    if (isPage) return signInRedirect(request.url);
    return jsonError(401, "unauthorized", "this server needs access: send Authorization: Bearer <RIG_AUTH_TOKEN>, or sign in at /signin", {
      "WWW-Authenticate": 'Bearer realm="rl-rig"',
    });
  }
  if (isWrite(request.method) && isServerAction(request, path)) {
    // Next.js posts server actions itself, with no way to add our header; the session cookie is
    // SameSite=Strict and the browser must name this host as the Origin (Next checks it too).
    if (header(request.headers, "origin") === undefined || !sameOrigin(request, trustProxy)) {
      return jsonError(403, "forbidden:origin", "a server action must come from this site's pages (its Origin is missing or another site)");
    }
  } else if (isWrite(request.method)) {
    const echoed = header(request.headers, CSRF_HEADER);
    if (!echoed || !secretsEqual(echoed, session.csrf) || !sameOrigin(request, trustProxy)) {
      return jsonError(403, "forbidden:csrf", `a signed-in write must come from this site's pages (the ${CSRF_HEADER} header is missing or wrong)`);
    }
  }
  return { action: "next" };
}
