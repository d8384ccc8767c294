import { describe, expect, it } from "vitest";
import { createRateLimits } from "./rate-limits";

describe("createRateLimits", () => {
  it("lets a client spend its budget, then says how long to wait, per client and per kind", async () => {
    const limits = createRateLimits({ writesPerMinute: 2, signInsPerMinute: 1, rewardsPerMinute: 1 });
    expect(await limits.take("writes", "a")).toBeNull();
    expect(await limits.take("writes", "a")).toBeNull();
    const wait = await limits.take("writes", "a");
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await limits.take("writes", "b"), "another client").toBeNull();
    expect(await limits.take("signin", "a"), "another budget").toBeNull();
    expect(await limits.take("signin", "a")).toBeGreaterThan(0);
  });
});
