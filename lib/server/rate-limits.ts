import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { ServerAccess } from "./config";

/**
 * Per-client request budgets, one minute windows: writes, sign-in attempts (kept small so a
 * token cannot be guessed by trying), and reward batches (a trainer calls often). In memory, per server process; a fleet behind one address
 * needs a shared store (rate-limiter-flexible has Redis and Postgres ones).
 */
export type RateLimitClass = "writes" | "signin" | "reward";

export interface RateLimits {
  /** null when the request may go on, else how many seconds the client should wait. */
  take(kind: RateLimitClass, client: string): Promise<number | null>;
}

export function createRateLimits(limits: ServerAccess["rateLimits"]): RateLimits {
  const limiters: Record<RateLimitClass, RateLimiterMemory> = {
    writes: new RateLimiterMemory({ keyPrefix: "writes", points: limits.writesPerMinute, duration: 60 }),
    signin: new RateLimiterMemory({ keyPrefix: "signin", points: limits.signInsPerMinute, duration: 60 }),
    reward: new RateLimiterMemory({ keyPrefix: "reward", points: limits.rewardsPerMinute, duration: 60 }),
  };
  return {
    async take(kind, client) {
      try {
        await limiters[kind].consume(client);
        return null;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw rejection;
      }
    },
  };
}
