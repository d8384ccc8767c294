import { parseCookie, stringifySetCookie, type SetCookie } from "cookie";
import { z } from "zod";
import { handle, json, parseOrThrow, readJsonBody } from "@/lib/api/http";
import { AppError } from "@/lib/errors";
import { serverAccess } from "@/lib/server/config";
import { createSession, CSRF_COOKIE, openSession, secretsEqual, SESSION_COOKIE, SESSION_TTL_SECONDS } from "@/lib/server/session";

const signInSchema = z.object({ token: z.string().min(1, "enter the access token").max(1024) }).strict();

function cookie(request: Request, name: string, value: string, options: { httpOnly: boolean; maxAge: number }): string {
  // Secure whenever the browser came over HTTPS; plain-HTTP loopback must still be able to sign in.
  const secure = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
  const attributes: SetCookie = { name, value, path: "/", sameSite: "strict", secure, ...options };
  return stringifySetCookie(attributes);
}

// GET /api/session - {accessControl, signedIn}: whether this server needs the token, and whether this browser has a session
export async function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const token = serverAccess().authToken;
    const seal = parseCookie(request.headers.get("cookie") ?? "")[SESSION_COOKIE];
    return json({ accessControl: token !== undefined, signedIn: token !== undefined && (await openSession(seal, token)) !== null });
  });
}

// POST /api/session {token} - sign in: sets the httpOnly session cookie and the CSRF cookie (401 on a wrong token)
export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const { token } = parseOrThrow(signInSchema, await readJsonBody(request), "body");
    const expected = serverAccess().authToken;
    if (!expected) throw new AppError("conflict:access_control_off", "this server has no access control (RIG_AUTH_TOKEN is not set); nothing to sign in to");
    if (!secretsEqual(token, expected)) throw new AppError("unauthorized:token", "that is not this server's access token");
    const session = await createSession(expected);
    const headers = new Headers({ "Cache-Control": "no-store" });
    headers.append("Set-Cookie", cookie(request, SESSION_COOKIE, session.seal, { httpOnly: true, maxAge: SESSION_TTL_SECONDS }));
    headers.append("Set-Cookie", cookie(request, CSRF_COOKIE, session.csrf, { httpOnly: false, maxAge: SESSION_TTL_SECONDS }));
    return Response.json({ signedIn: true }, { headers });
  });
}

// DELETE /api/session - sign out: both cookies cleared (204)
export async function DELETE(request: Request): Promise<Response> {
  return handle(async () => {
    const headers = new Headers({ "Cache-Control": "no-store" });
    for (const [name, httpOnly] of [[SESSION_COOKIE, true], [CSRF_COOKIE, false]] as const) {
      headers.append("Set-Cookie", cookie(request, name, "", { httpOnly, maxAge: 0 }));
    }
    return new Response(null, { status: 204, headers });
  });
}
