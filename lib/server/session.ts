import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { sealData, unsealData } from "iron-session";

/**
 * The browser's sign-in session: an iron-session seal (encrypted and signed, with its own expiry)
 * in an httpOnly, SameSite=Strict cookie, and a CSRF value the page echoes in a header on writes.
 * The seal's password is derived from RIG_AUTH_TOKEN, so changing the token signs everyone out.
 */
export const SESSION_COOKIE = "rig_session";
/** Readable by the page (not httpOnly) so fetchApi can echo it in CSRF_HEADER; useless without the session. */
export const CSRF_COOKIE = "rig_csrf";
export const CSRF_HEADER = "x-rig-csrf";
export const SESSION_TTL_SECONDS = 7 * 24 * 60 * 60;

interface SessionData {
  v: 1;
  csrf: string;
}

function sealPassword(authToken: string): string {
  return createHmac("sha256", authToken).update("rl-rig session seal v1").digest("hex");
}

/** Constant-time equality of two secrets of any length (compares their SHA-256 digests). */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export async function createSession(authToken: string): Promise<{ seal: string; csrf: string }> {
  const csrf = randomBytes(32).toString("base64url");
  const seal = await sealData({ v: 1, csrf } satisfies SessionData, { password: sealPassword(authToken), ttl: SESSION_TTL_SECONDS });
  return { seal, csrf };
}

/** The session's CSRF value, or null when the seal is missing, forged, expired or from another token. */
export async function openSession(seal: string | undefined, authToken: string): Promise<{ csrf: string } | null> {
  if (!seal) return null;
  try {
    const data = await unsealData<Partial<SessionData>>(seal, { password: sealPassword(authToken), ttl: SESSION_TTL_SECONDS });
    return data.v === 1 && typeof data.csrf === "string" && data.csrf.length > 0 ? { csrf: data.csrf } : null;
  } catch {
    return null;
  }
}
