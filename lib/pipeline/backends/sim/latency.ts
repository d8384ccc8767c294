import type { RoleCallOptions } from "../../roles/types";
import { abortableSleep } from "../../util/sleep";

/** The role methods a latency applies to: every call a loop makes of a role. */
const roleMethods = new Set(["generate", "check", "act", "edit", "judge"]);

/**
 * A sim role that answers `latencyMs` later, as a model server would. The embedded world answers
 * in milliseconds; a profile can give it a model's pace (`{"backend": "sim", "options":
 * {"latencyMs": 300}}`) to demo live progress or to watch a run while it is still going, as the
 * e2e live-viewer test does. The wait ends early, with the call, when the call's signal aborts.
 */
export function withLatency<T extends object>(role: T, latencyMs: number): T {
  if (latencyMs <= 0) return role;
  return new Proxy(role, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== "function" || typeof key !== "string" || !roleMethods.has(key)) return value;
      return async (...args: unknown[]) => {
        const options = args.at(-1) as RoleCallOptions | undefined;
        await abortableSleep(latencyMs, options?.signal);
        return (value as (...callArgs: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

