import { beforeAll, describe, expect, it } from "vitest";
import { corrupt, defaultDiffuserBehaviour, SimDiffuser } from "./diffuser";
import { insideFrame, proposeRelative, randomPlacement, relationSatisfied } from "./layout";
import { createRng } from "./random";
import { defaultSpriteLibrary } from "./world/sprite-library";
import { defaultWorldStyle } from "./world/world";
import { geometricClasses } from "../../metrics/spatial-geometry";
import { parsePrompt } from "../../scene-graph/parse-prompt";

const library = defaultSpriteLibrary();
const style = defaultWorldStyle;

beforeAll(async () => {
  await library.load(["dog", "teddy bear", "cup", "laptop"]);
});

describe("relation-aware placement", () => {
  it("proposes placements that satisfy every geometric class most of the time", () => {
    const rng = createRng(5);
    for (const relation of geometricClasses) {
      let satisfied = 0;
      const trials = 200;
      for (let trial = 0; trial < trials; trial++) {
        const anchor = randomPlacement({ label: "teddy bear", sizeFactor: 1 }, rng, style);
        const proposal = proposeRelative({ label: "dog", sizeFactor: 1 }, relation, anchor, rng, library, style);
        const finalAnchor = proposal.anchor ?? anchor;
        if (relationSatisfied(relation, proposal.subject, finalAnchor, library, style)) satisfied += 1;
      }
      // The loop retries and checks every candidate; this only guards against a sampler that is mostly wrong.
      expect(satisfied / trials, relation).toBeGreaterThan(0.3);
    }
  });

  it("random placements stand on the ground inside the frame", () => {
    const rng = createRng(9);
    for (let trial = 0; trial < 100; trial++) {
      const placed = randomPlacement({ label: "cup", sizeFactor: 1 }, rng, style);
      expect(placed.groundY).toBe(placed.baseY);
      expect(insideFrame({ ...placed, centreX: style.width / 2 }, library, style)).toBe(true);
    }
  });
});

describe("bag-of-words corruption", () => {
  const graph = parsePrompt("two red cups left of a laptop; a dog next to a teddy bear");

  it("drops, merges and leaks at about the configured rates", () => {
    const rng = createRng(1);
    const runs = 3000;
    let objects = 0;
    let relations = 0;
    let redOnCups = 0;
    for (let run = 0; run < runs; run++) {
      const { specs, relations: kept } = corrupt(graph, { relationFidelity: 0.5, dropRate: 0.1, mergeRate: 0.5, attributeLeakRate: 0.2 }, rng);
      objects += specs.length;
      relations += kept.length;
      redOnCups += specs.filter((spec) => spec.label === "cup" && spec.colour === "red").length;
    }
    // 5 objects; the second cup survives merging half the time; each survivor survives dropping 90%.
    expect(objects / runs).toBeCloseTo((4 + 0.5) * 0.9, 1);
    // 3 relations (2 from the cups, 1 dog-bear), each kept only when both ends survive, then honoured half the time.
    expect(relations / runs).toBeGreaterThan(0.6);
    expect(relations / runs).toBeLessThan(1.4);
    // A red cup keeps its colour unless it leaked (20%).
    expect(redOnCups / runs).toBeLessThan((1 + 0.5) * 0.9);
  });

  it("keeps everything and honours every relation when told to be faithful", () => {
    const { specs, relations } = corrupt(graph, { relationFidelity: 1, dropRate: 0, mergeRate: 0, attributeLeakRate: 0 }, createRng(2));
    expect(specs.map((spec) => [spec.label, spec.colour ?? null])).toEqual([
      ["cup", "red"],
      ["cup", "red"],
      ["laptop", null],
      ["dog", null],
      ["teddy bear", null],
    ]);
    expect(relations).toHaveLength(graph.relations.length);
  });
});

describe("SimDiffuser", () => {
  it("reads what it cannot parse as a bag of words, with a warning", async () => {
    const diffuser = new SimDiffuser(library, style, defaultDiffuserBehaviour);
    const result = await diffuser.generate("dog!!! teddy bear??? wow", { seed: 3 });
    expect(result.warnings.some((warning) => warning.includes("bag of words"))).toBe(true);
  });

  it("refuses a prompt that names nothing it can draw", async () => {
    const diffuser = new SimDiffuser(library, style, defaultDiffuserBehaviour);
    await expect(diffuser.generate("???", { seed: 3 })).rejects.toMatchObject({ code: "invalid_input" });
  });
});
