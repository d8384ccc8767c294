import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalPhrase, classifyPredicate, FALLBACK_CLASS, inverseClass, isKnownPredicate, normalisePredicate } from "./predicates";
import { geometricClasses, type GeometricClass } from "./spatial-geometry";

const datasets = path.resolve(__dirname, "../../../../shared/datasets");

function classOf(phrase: string): GeometricClass {
  const result = classifyPredicate(phrase);
  expect(result.known, `"${phrase}" should be known`).toBe(true);
  return result.geometricClass;
}

describe("classifyPredicate", () => {
  it("covers GenEval's four relations", () => {
    expect(classOf("left of")).toBe("left");
    expect(classOf("right of")).toBe("right");
    expect(classOf("above")).toBe("above");
    expect(classOf("below")).toBe("below");
  });

  it("covers T2I-CompBench's 2D and 3D phrasings", () => {
    expect(classOf("on the left of")).toBe("left");
    expect(classOf("on the right of")).toBe("right");
    // Directional in T2I-CompBench's scorer (no contact), unlike "on top of".
    expect(classOf("on the top of")).toBe("above");
    expect(classOf("on the bottom of")).toBe("below");
    expect(classOf("on top of")).toBe("on");
    expect(classOf("next to")).toBe("near");
    expect(classOf("near")).toBe("near");
    expect(classOf("on side of")).toBe("near");
    expect(classOf("in front of")).toBe("in-front");
    expect(classOf("behind")).toBe("behind");
    expect(classOf("hidden by")).toBe("behind");
  });

  it("reads LAION-SG style phrases through verb and article rules", () => {
    const cases: Array<[string, GeometricClass]> = [
      ["adjacent to", "near"],
      ["growing near", "near"],
      ["surrounded by", "near"],
      ["holding", "touching"],
      ["leaning against", "touching"],
      ["sitting on", "on"],
      ["standing on", "on"],
      ["hanging above", "above"],
      ["lying under", "under"],
      ["beside", "near"],
      ["in", "inside"],
      ["inside", "inside"],
      ["within", "inside"],
      ["underneath", "under"],
      ["beneath", "under"],
      ["over", "above"],
      ["across from", "near"],
      ["facing", "near"],
      ["wearing", "touching"],
      ["carrying", "touching"],
      ["parked behind", "behind"],
      ["placed in front of", "in-front"],
      ["located to the left of", "left"],
      ["nestled among", "near"],
      ["standing directly behind", "behind"],
      ["right in front of", "in-front"],
    ];
    for (const [phrase, expected] of cases) expect([phrase, classOf(phrase)]).toEqual([phrase, expected]);
  });

  it("normalises case, whitespace, auxiliaries and articles", () => {
    expect(normalisePredicate("  Is   On The  Right Of ")).toBe("on the right of");
    expect(classOf("  IS   on the  LEFT of ")).toBe("left");
    expect(classOf("are next to")).toBe("near");
    expect(classOf("in the front of")).toBe("in-front");
    expect(classOf("on the right side")).toBe("right");
  });

  it("tries trailing of/to variants", () => {
    expect(classOf("adjacent")).toBe("near");
    expect(classOf("inside of")).toBe("inside");
    expect(classOf("left")).toBe("left");
    expect(classOf("close")).toBe("near");
  });

  it("falls back to near with a warning naming the phrase", () => {
    const result = classifyPredicate("made of");
    expect(result).toEqual({
      geometricClass: FALLBACK_CLASS,
      known: false,
      warning: 'unknown relation "made of": treated as "near" (the two objects are at least together)',
    });
    expect(FALLBACK_CLASS).toBe("near");
    expect(isKnownPredicate("the vibes of")).toBe(false);
    expect(isKnownPredicate("")).toBe(false);
  });

  it("covers the frequent DSG spatial relations and over 90% of all DSG spatial tuples", () => {
    const counts = new Map<string, number>();
    const lines = readFileSync(path.join(datasets, "dsg/dsg-1k-spatial-subset.jsonl"), "utf8").split("\n").filter(Boolean);
    for (const line of lines) {
      const row = JSON.parse(line) as { tuples: Array<{ tuple: string }> };
      for (const { tuple } of row.tuples) {
        const match = /^relation - spatial \((.*)\)$/.exec(tuple);
        if (!match) continue;
        const relation = match[1]!.split(",").at(-1)!.trim();
        counts.set(relation, (counts.get(relation) ?? 0) + 1);
      }
    }
    const byFrequency = [...counts].sort((a, b) => b[1] - a[1]);
    // Every relation used 5 or more times is in the table, except DSG's pose words "up" and
    // "down", which describe one limb ("person, right leg, up") rather than relate two objects.
    const poseWords = new Set(["up", "down"]);
    for (const [relation, count] of byFrequency.filter(([relation, count]) => count >= 5 && !poseWords.has(relation))) {
      expect([relation, count, classifyPredicate(relation).known]).toEqual([relation, count, true]);
    }
    const total = byFrequency.reduce((sum, [, count]) => sum + count, 0);
    const known = byFrequency.filter(([relation]) => classifyPredicate(relation).known).reduce((sum, [, count]) => sum + count, 0);
    expect(known / total).toBeGreaterThan(0.9);
    expect(classOf("wear")).toBe("touching");
    expect(classOf("sit on")).toBe("on");
    expect(classOf("in the background")).toBe("behind");
  });
});

describe("canonicalPhrase", () => {
  it("gives the plain phrases and classifies back to the same class", () => {
    expect(geometricClasses.map(canonicalPhrase)).toEqual([
      "left of",
      "right of",
      "above",
      "below",
      "on",
      "under",
      "next to",
      "in front of",
      "behind",
      "inside",
      "touching",
    ]);
    for (const geometricClass of geometricClasses) expect(classOf(canonicalPhrase(geometricClass))).toBe(geometricClass);
  });
});

describe("inverseClass", () => {
  it("swaps directions, keeps symmetric classes, and has no inverse for inside", () => {
    expect(inverseClass("left")).toBe("right");
    expect(inverseClass("right")).toBe("left");
    expect(inverseClass("above")).toBe("below");
    expect(inverseClass("below")).toBe("above");
    expect(inverseClass("on")).toBe("under");
    expect(inverseClass("under")).toBe("on");
    expect(inverseClass("in-front")).toBe("behind");
    expect(inverseClass("behind")).toBe("in-front");
    expect(inverseClass("near")).toBe("near");
    expect(inverseClass("touching")).toBe("touching");
    expect(inverseClass("inside")).toBeUndefined();
  });

  it("is an involution where defined", () => {
    for (const geometricClass of geometricClasses) {
      const inverse = inverseClass(geometricClass);
      if (inverse) expect(inverseClass(inverse)).toBe(geometricClass);
    }
  });
});
