import { describe, expect, it } from "vitest";
import { actorFeatureNames, chooseEdit, defaultActorPolicy, policyFromVector, policyVector, proposeEdits, SimActor } from "./actor";
import { createRng } from "./random";
import { createRaster } from "../../image/raster";
import { critiqueSchema, type Critique } from "../../roles/types";
import type { SceneGraph } from "../../scene-graph/schema";

const target: SceneGraph = {
  objects: [
    { id: "cup", label: "cup", attributes: ["red"] },
    { id: "laptop", label: "laptop", attributes: [] },
    { id: "dog", label: "dog", attributes: ["small"] },
    { id: "car", label: "car", attributes: ["blue"] },
  ],
  relations: [
    { subject: "cup", predicate: "left of", object: "laptop" },
    { subject: "dog", predicate: "next to", object: "laptop" },
  ],
};

function critique(overrides: Partial<Critique>): Critique {
  return critiqueSchema.parse({
    triples: [],
    missingObjects: [],
    extraObjects: [],
    attributeMismatches: [],
    matches: {},
    locations: {},
    summary: "",
    ...overrides,
  });
}

describe("proposeEdits", () => {
  it("turns each kind of problem into a plain-language instruction", () => {
    const proposals = proposeEdits({
      target,
      history: [],
      critique: critique({
        triples: [
          { subject: "cup", predicate: "left of", object: "laptop", status: "violated", observedPredicate: "right of" },
          { subject: "dog", predicate: "next to", object: "laptop", status: "missing" },
        ],
        missingObjects: ["dog"],
        extraObjects: [{ detectedId: "d9", label: "cat" }],
        attributeMismatches: [{ objectId: "car", expected: ["blue"], observed: ["red"] }],
        matches: { cup: "d1", laptop: "d2", car: "d3" },
      }),
    });
    const instructions = proposals.map((proposal) => proposal.instruction);
    expect(instructions).toContain("add a small dog next to the laptop");
    expect(instructions).toContain("move the cup to the left of the laptop");
    expect(instructions).toContain("move the laptop to the right of the cup");
    expect(instructions).toContain("make the red car blue");
    expect(instructions).toContain("remove the extra cat");
    expect(proposals.reduce((sum, proposal) => sum + proposal.probability, 0)).toBeCloseTo(1, 10);
  });

  it("names which copy of a surplus object to remove, so the wanted one stays", () => {
    const box = (x: number) => ({ x, y: 0.5, width: 0.1, height: 0.1 });
    const removal = (extraX: number) =>
      proposeEdits({
        target,
        history: [],
        critique: critique({ extraObjects: [{ detectedId: "d9", label: "cup", box: box(extraX) }], matches: { cup: "d1" }, locations: { cup: box(0.5) } }),
      }).find((proposal) => proposal.kind === "remove")!.instruction;
    expect(removal(0.1)).toBe("remove the leftmost cup");
    expect(removal(0.8)).toBe("remove the rightmost cup");
  });

  it("uses 'bring ... in front of' for depth and names look-alike instances by position", () => {
    const twoCups: SceneGraph = {
      objects: [
        { id: "a", label: "cup", attributes: [] },
        { id: "b", label: "cup", attributes: [] },
        { id: "lamp", label: "lamp", attributes: [] },
      ],
      relations: [
        { subject: "b", predicate: "in front of", object: "lamp" },
        { subject: "a", predicate: "left of", object: "lamp" },
      ],
    };
    const proposals = proposeEdits({
      target: twoCups,
      history: [],
      critique: critique({
        triples: [
          { subject: "b", predicate: "in front of", object: "lamp", status: "violated" },
          { subject: "a", predicate: "left of", object: "lamp", status: "satisfied" },
        ],
        matches: { a: "d1", b: "d2", lamp: "d3" },
        locations: {
          a: { x: 0.1, y: 0.5, width: 0.1, height: 0.1 },
          b: { x: 0.7, y: 0.5, width: 0.1, height: 0.1 },
          lamp: { x: 0.4, y: 0.4, width: 0.1, height: 0.2 },
        },
      }),
    });
    expect(proposals.map((proposal) => proposal.instruction)).toContain("bring the rightmost cup in front of the lamp");
  });

  it("makes an instruction already tried less likely", () => {
    const input = {
      target,
      critique: critique({
        triples: [{ subject: "cup", predicate: "left of", object: "laptop", status: "violated" as const }],
        matches: { cup: "d1", laptop: "d2" },
      }),
    };
    const fresh = proposeEdits({ ...input, history: [] });
    const repeated = proposeEdits({ ...input, history: ["move the cup to the left of the laptop"] });
    const probability = (list: typeof fresh) => list.find((proposal) => proposal.instruction === "move the cup to the left of the laptop")!.probability;
    expect(probability(repeated)).toBeLessThan(probability(fresh));
  });
});

describe("bundles", () => {
  it("joins independent fixes into one instruction and leaves out a move that would break a satisfied triple", () => {
    const scene: SceneGraph = {
      objects: [
        { id: "cup", label: "cup", attributes: ["red"] },
        { id: "laptop", label: "laptop", attributes: [] },
        { id: "dog", label: "dog", attributes: [] },
        { id: "bench", label: "bench", attributes: [] },
        { id: "lamp", label: "lamp", attributes: [] },
      ],
      relations: [
        { subject: "cup", predicate: "left of", object: "laptop" },
        { subject: "dog", predicate: "next to", object: "bench" },
        { subject: "bench", predicate: "behind", object: "lamp" },
      ],
    };
    const proposals = proposeEdits({
      target: scene,
      history: [],
      critique: critique({
        triples: [
          { subject: "cup", predicate: "left of", object: "laptop", status: "violated" },
          { subject: "dog", predicate: "next to", object: "bench", status: "violated" },
          { subject: "bench", predicate: "behind", object: "lamp", status: "satisfied" },
        ],
        attributeMismatches: [{ objectId: "cup", expected: ["red"], observed: ["blue"] }],
        matches: { cup: "d1", laptop: "d2", dog: "d3", bench: "d4", lamp: "d5" },
      }),
    });
    const bundle = proposals.find((proposal) => proposal.kind === "bundle")!;
    expect(bundle.instruction).toBe("make the blue cup red, and move the cup to the left of the laptop, and move the dog next to the bench");
    // Moving the bench would break "bench behind lamp"; moving the laptop would fix what moving the cup fixes.
    expect(bundle.instruction).not.toContain("move the bench");
    expect(bundle.instruction).not.toContain("move the laptop");
    const greedy = chooseEdit(proposals, defaultActorPolicy, createRng(1))!;
    expect(greedy).toBe(bundle);
    // Every logit, the bundle's too, is the policy's parameters dotted with the proposal's features.
    const theta = policyVector(defaultActorPolicy);
    for (const proposal of proposals) expect(proposal.features.reduce((sum, value, index) => sum + value * theta[index]!, 0)).toBeCloseTo(proposal.logit, 12);
    expect(policyVector(policyFromVector(theta))).toEqual(theta);
    const single = proposeEdits(
      { target: scene, history: [], critique: critique({ triples: [{ subject: "cup", predicate: "left of", object: "laptop", status: "violated" }], matches: { cup: "d1", laptop: "d2" } }) },
    );
    expect(single.some((proposal) => proposal.kind === "bundle")).toBe(false);
  });
});

describe("chooseEdit", () => {
  const proposals = proposeEdits({
    target,
    history: [],
    critique: critique({
      triples: [{ subject: "cup", predicate: "left of", object: "laptop", status: "violated" }],
      attributeMismatches: [{ objectId: "car", expected: ["blue"], observed: ["red"] }],
      matches: { cup: "d1", laptop: "d2", car: "d3" },
    }),
  });

  it("chooses by its parameters: raising one kind's weight makes that kind likelier and, far enough, the choice", () => {
    // One violated relation: moving its subject or its object fixes it, and no bundle is offered.
    const input = { target, history: [], critique: critique({ triples: [{ subject: "cup", predicate: "left of", object: "laptop", status: "violated" }], matches: { cup: "d1", laptop: "d2" } }) };
    const before = proposeEdits(input, defaultActorPolicy);
    expect(new Set(before.map((proposal) => proposal.kind))).toEqual(new Set(["move-subject", "move-object"]));
    const chosenBefore = chooseEdit(before, defaultActorPolicy, createRng(1))!.kind;
    const other = chosenBefore === "move-subject" ? "move-object" : "move-subject";
    const index = actorFeatureNames.indexOf(`kind:${other}`);
    const raised = policyFromVector(policyVector(defaultActorPolicy).map((value, position) => (position === index ? value + 6 : value)), defaultActorPolicy);
    const share = (list: typeof before) => list.filter((proposal) => proposal.kind === other).reduce((sum, proposal) => sum + proposal.probability, 0);
    const after = proposeEdits(input, raised);
    expect(share(after)).toBeGreaterThan(share(before));
    expect(chooseEdit(after, raised, createRng(1))!.kind).toBe(other);
  });

  it("greedy mode always takes the most probable edit", () => {
    const best = proposals.reduce((top, proposal) => (proposal.probability > top.probability ? proposal : top));
    for (const seed of [1, 2, 3]) expect(chooseEdit(proposals, defaultActorPolicy, createRng(seed))).toBe(best);
  });

  it("sampling mode draws edits in proportion to their probabilities", () => {
    const policy = { ...defaultActorPolicy, greedy: false };
    const rng = createRng(99);
    const counts = new Map<string, number>();
    const draws = 4000;
    for (let draw = 0; draw < draws; draw++) {
      const chosen = chooseEdit(proposals, policy, rng)!;
      counts.set(chosen.instruction, (counts.get(chosen.instruction) ?? 0) + 1);
    }
    for (const proposal of proposals) {
      expect((counts.get(proposal.instruction) ?? 0) / draws).toBeCloseTo(proposal.probability, 1);
    }
  });
});

describe("SimActor", () => {
  it("says so when there is nothing to fix", async () => {
    const actor = new SimActor();
    const result = await actor.act({ image: createRaster(2, 2), target, critique: critique({}), history: [] }, { seed: 1 });
    expect(result.instruction).toBe("keep the image as it is");
    expect(result.warnings).toHaveLength(1);
  });
});
