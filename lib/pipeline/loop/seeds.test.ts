import { describe, expect, it } from "vitest";
import type { RoleName } from "../roles/errors";
import { deriveSeed } from "./seeds";

const roles: RoleName[] = ["diffuser", "checker", "actor", "editor", "judge"];

describe("deriveSeed", () => {
  it("is deterministic and pinned (changing it would change every recorded run)", () => {
    expect(deriveSeed(42, 0, "diffuser")).toBe(deriveSeed(42, 0, "diffuser"));
    expect(deriveSeed(42, 0, "diffuser")).toBe(129119513);
  });

  it("gives every role and iteration its own unsigned 32-bit seed", () => {
    for (const runSeed of [0, 1, 42, -7, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
      const seen = new Set<number>();
      for (let iteration = 0; iteration < 20; iteration++) {
        for (const role of roles) {
          const seed = deriveSeed(runSeed, iteration, role);
          expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
          seen.add(seed);
        }
      }
      expect(seen.size).toBe(20 * roles.length);
    }
  });

  it("separates run seeds, including ones that differ only above 32 bits", () => {
    const seeds = [0, 1, 2, 2 ** 32, 2 ** 32 + 1, -1].map((runSeed) => deriveSeed(runSeed, 0, "diffuser"));
    expect(new Set(seeds).size).toBe(seeds.length);
  });

  it("rejects seeds it cannot represent", () => {
    expect(() => deriveSeed(1.5, 0, "actor")).toThrow(RangeError);
    expect(() => deriveSeed(2 ** 60, 0, "actor")).toThrow(RangeError);
    expect(() => deriveSeed(1, -1, "actor")).toThrow(RangeError);
  });
});
