import { describe, expect, it } from "vitest";
import { dpoRow, preferencePair, type RolloutGroupLine } from "./dpo";

const group = (samples: Array<[string, number]>): RolloutGroupLine => ({
  step: 3,
  state: {
    target: { objects: [{ id: "c", label: "cat", attributes: [] }, { id: "d", label: "dog", attributes: [] }], relations: [{ subject: "c", predicate: "left of", object: "d" }] },
    critique: { triples: [], missingObjects: [], extraObjects: [], attributeMismatches: [], matches: {}, depths: {}, summary: "the cat is right of the dog" } as never,
    history: [],
    sgIoU: 0,
    image: "images/step-003-0001.png",
  },
  samples: samples.map(([instruction, reward]) => ({ instruction, reward, advantage: 0, probability: 0.5 })),
});

describe("preferencePair", () => {
  it("pairs the best instruction of a group with the worst, in the Actor's answer format", () => {
    const pair = preferencePair(group([["move the cat left", 1], ["move the dog right", 0.4], ["paint it", -0.1], ["move the cat left", 0.2]]))!;
    expect(JSON.parse(pair.chosen)).toEqual({ instruction: "move the cat left" });
    expect(JSON.parse(pair.rejected)).toEqual({ instruction: "paint it" });
    expect([pair.rewardChosen, pair.rewardRejected]).toEqual([1, -0.1]);
    expect(pair.prompt).toContain("the cat is right of the dog");
    const row = dpoRow(pair, "images/x.png");
    expect(row.chosen[0]!.role).toBe("assistant");
    expect(row.prompt[0]!.content[0]).toEqual({ type: "image" });
  });

  it("makes no pair from one distinct instruction or a gap below the threshold", () => {
    expect(preferencePair(group([["move the cat left", 1], ["move the cat left", 0]]))).toBeNull();
    expect(preferencePair(group([["a", 0.5], ["b", 0.48]]))).toBeNull();
    expect(preferencePair(group([["a", 0.5], ["b", 0.48]]), 0.01)).not.toBeNull();
  });
});
