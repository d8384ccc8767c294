import { isIP } from "node:net";
import { z } from "zod";

/**
 * How the HTTP server is exposed, read from the environment (zod-validated):
 *
 * - RIG_HOST: the address to listen on (default 127.0.0.1, loopback only).
 * - PORT or RIG_PORT: the port (default 3000).
 * - RIG_AUTH_TOKEN: when set, every write and every private read needs it (bearer header, or the
 *   session cookie the sign-in page sets). Required when RIG_HOST is not a loopback address.
 * - RIG_TRUST_PROXY=1: the server sits behind one reverse proxy, so the client address is the last
 *   X-Forwarded-For entry (the proxy's); otherwise that header is replaced by the socket's address.
 * - RIG_REWARD_TOKEN: the bearer token of POST /api/reward (the reward service is off without it).
 * - RIG_RATE_LIMIT_WRITES / RIG_RATE_LIMIT_SIGNIN / RIG_RATE_LIMIT_REWARD: requests per minute and
 *   client (defaults 120 / 10 / 600).
 */
export const MIN_AUTH_TOKEN_LENGTH = 16;

/** An optional shared secret: empty means unset; a short one is refused with how to make a good one. */
function secretToken(variable: string) {
  return z
    .string()
    .optional()
    .transform((value) => (value === undefined || value === "" ? undefined : value))
    .refine((value) => value === undefined || value.length >= MIN_AUTH_TOKEN_LENGTH, {
      message: `${variable} must be at least ${MIN_AUTH_TOKEN_LENGTH} characters; make one with: openssl rand -hex 32`,
    });
}

const serverAccessSchema = z.object({
  RIG_HOST: z.string().trim().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  RIG_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  RIG_AUTH_TOKEN: secretToken("RIG_AUTH_TOKEN"),
  RIG_REWARD_TOKEN: secretToken("RIG_REWARD_TOKEN"),
  RIG_TRUST_PROXY: z.enum(["0", "1"]).default("0"),
  RIG_RATE_LIMIT_WRITES: z.coerce.number().int().min(1).max(1_000_000).default(120),
  RIG_RATE_LIMIT_SIGNIN: z.coerce.number().int().min(1).max(1_000_000).default(10),
  RIG_RATE_LIMIT_REWARD: z.coerce.number().int().min(1).max(1_000_000).default(600),
});

export interface ServerAccess {
  host: string;
  port: number;
  /** The shared secret, or undefined when access control is off (loopback only). */
  authToken: string | undefined;
  /** POST /api/reward's bearer token, or undefined: the reward service is off. */
  rewardToken: string | undefined;
  trustProxy: boolean;
  rateLimits: { writesPerMinute: number; signInsPerMinute: number; rewardsPerMinute: number };
}

export function serverAccess(source: Record<string, string | undefined> = process.env): ServerAccess {
  const result = serverAccessSchema.safeParse(source);
  if (!result.success) {
    throw new Error(`invalid environment: ${result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  }
  const env = result.data;
  return {
    host: env.RIG_HOST,
    port: env.RIG_PORT ?? env.PORT ?? 3000,
    authToken: env.RIG_AUTH_TOKEN,
    rewardToken: env.RIG_REWARD_TOKEN,
    trustProxy: env.RIG_TRUST_PROXY === "1",
    rateLimits: { writesPerMinute: env.RIG_RATE_LIMIT_WRITES, signInsPerMinute: env.RIG_RATE_LIMIT_SIGNIN, rewardsPerMinute: env.RIG_RATE_LIMIT_REWARD },
  };
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || /^::ffff:127\./.test(bare);
  return false;
}

/** Why the server must not start with this configuration, in one line, or null when it may. */
export function exposureProblem(access: ServerAccess): string | null {
  if (isLoopbackHost(access.host) || access.authToken) return null;
  return `refusing to listen on ${access.host} without access control: set RIG_AUTH_TOKEN (at least ${MIN_AUTH_TOKEN_LENGTH} characters, e.g. RIG_AUTH_TOKEN=$(openssl rand -hex 32)) or keep RIG_HOST on loopback`;
}
