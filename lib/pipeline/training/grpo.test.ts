import { describe, expect, it } from "vitest";
import { Adam, defaultGrpoSettings, groupAdvantages, grpoObjective, policyProbabilities, type Group } from "./grpo";
import { mulberry32 } from "../evaluation/summary";

const random = mulberry32(7);
const vector = (size: number) => Array.from({ length: size }, () => random() * 2 - 1);

/** Two states with 4 and 3 candidates of 5 features, a group of 6 samples each, drawn from `old`. */
function groupsFor(old: number[], reference: number[]): Group[] {
  return [4, 3].map((count) => {
    const candidates = Array.from({ length: count }, () => vector(5));
    const oldProbabilities = policyProbabilities(old, candidates);
    const referenceProbabilities = policyProbabilities(reference, candidates);
    const samples = Array.from({ length: 6 }, (_, index) => {
      const action = index % count;
      return { action, reward: random(), oldProbability: oldProbabilities[action]!, referenceProbability: referenceProbabilities[action]! };
    });
    return { candidates, samples };
  });
}

describe("groupAdvantages", () => {
  it("centres a group's rewards and, for grpo, divides by its sample std plus 1e-4 (as TRL)", () => {
    expect(groupAdvantages([1, 2, 3], "dr_grpo")).toEqual([-1, 0, 1]);
    const scaled = groupAdvantages([1, 2, 3], "grpo");
    expect(scaled[0]).toBeCloseTo(-1 / 1.0001, 12);
    expect(scaled[2]).toBeCloseTo(1 / 1.0001, 12);
    // A group whose edits all scored the same teaches nothing.
    expect(groupAdvantages([0.5, 0.5, 0.5], "grpo")).toEqual([0, 0, 0]);
  });
});

describe("grpoObjective", () => {
  it("has the gradient its finite differences say, clipped samples and KL included", () => {
    const old = vector(5);
    const reference = vector(5);
    // Far enough from the old policy that some ratios leave [0.8, 1.2] and are clipped.
    const theta = old.map((value) => value + (random() - 0.5) * 1.5);
    const groups = groupsFor(old, reference);
    for (const lossType of ["grpo", "dr_grpo"] as const) {
      const settings = { ...defaultGrpoSettings, lossType, beta: 0.1, temperature: 0.7 };
      const { gradient, clipFraction } = grpoObjective(theta, groups, settings);
      expect(clipFraction).toBeGreaterThan(0);
      const h = 1e-6;
      gradient.forEach((analytic, k) => {
        const up = theta.map((value, index) => (index === k ? value + h : value));
        const down = theta.map((value, index) => (index === k ? value - h : value));
        const numeric = (grpoObjective(up, groups, settings).objective - grpoObjective(down, groups, settings).objective) / (2 * h);
        expect(analytic).toBeCloseTo(numeric, 5);
      });
    }
  });

  it("is zero with no KL at the old and reference policy, and ascending it makes the best-rewarded action likelier", () => {
    const theta = vector(3);
    const candidates = [vector(3), vector(3), vector(3)];
    const probabilities = policyProbabilities(theta, candidates);
    const rewards = [0, 1, 0.2];
    const groups: Group[] = [{ candidates, samples: rewards.map((reward, action) => ({ action, reward, oldProbability: probabilities[action]!, referenceProbability: probabilities[action]! })) }];
    const at = grpoObjective(theta, groups);
    expect(at.objective).toBeCloseTo(0, 12);
    expect(at.kl).toBeCloseTo(0, 12);
    const next = new Adam(3, 0.1).ascend(theta, at.gradient);
    expect(policyProbabilities(next, candidates)[1]!).toBeGreaterThan(probabilities[1]!);
  });
});
