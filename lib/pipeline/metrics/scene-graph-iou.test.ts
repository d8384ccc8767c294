import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { laionRecordToSceneGraph } from "../scene-graph/laion-sg";
import type { SceneGraph } from "../scene-graph/schema";
import { entitySet, normaliseText, relationSet, sceneGraphMetrics, setIoU, tripleSet } from "./scene-graph-iou";

const examplePath = path.resolve(__dirname, "../../../../shared/datasets/laion-sg/example_record.json");
const example = laionRecordToSceneGraph(JSON.parse(readFileSync(examplePath, "utf8")));

function withPredicate(graph: SceneGraph, index: number, predicate: string): SceneGraph {
  return { ...graph, relations: graph.relations.map((relation, i) => (i === index ? { ...relation, predicate } : relation)) };
}

describe("normaliseText", () => {
  it("lower-cases, trims, collapses whitespace and drops leading articles", () => {
    expect(normaliseText("  The   Red\tCup ")).toBe("red cup");
    expect(normaliseText("a an the cup")).toBe("cup");
    expect(normaliseText(" river")).toBe("river");
    expect(normaliseText("next  to")).toBe("next to");
    expect(normaliseText("cup of the day")).toBe("cup of the day");
    expect(normaliseText("theatre")).toBe("theatre");
  });
});

describe("setIoU", () => {
  it("is |A∩B| / |A∪B| and 0 when both are empty", () => {
    expect(setIoU(new Set(["a", "b"]), new Set(["b", "c"]))).toBeCloseTo(1 / 3, 12);
    expect(setIoU(new Set(["a"]), new Set(["a"]))).toBe(1);
    expect(setIoU(new Set(), new Set())).toBe(0);
    expect(setIoU(new Set(["a"]), new Set())).toBe(0);
  });
});

describe("sceneGraphMetrics on the LAION-SG example record", () => {
  it("collapses duplicate triples and node texts into sets", () => {
    // 5 items (two "leafless slender trees"), 3 relations (two identical "growing near" triples).
    expect(tripleSet(example).size).toBe(2);
    expect([...entitySet(example)].sort()).toEqual(["leafless slender trees", "reflective calm river", "rocky tall mountains", "white cold snow"]);
    expect([...entitySet(example, "label")].sort()).toEqual(["mountains", "river", "snow", "trees"]);
    expect([...relationSet(example)].sort()).toEqual(["adjacent to", "growing near"]);
  });

  it("scores the record against itself as 1", () => {
    expect(sceneGraphMetrics(example, example)).toEqual({ sgIoU: 1, entityIoU: 1, relationIoU: 1 });
  });

  it("scores one changed relation by hand", () => {
    // Target triples {snow-adj-river, trees-near-river}; detected {snow-next-river, trees-near-river}:
    // ∩ = 1, ∪ = 3. Relations {adjacent to, growing near} vs {next to, growing near}: 1/3.
    const changed = withPredicate(example, 0, "next to");
    const metrics = sceneGraphMetrics(example, changed);
    expect(metrics.sgIoU).toBeCloseTo(1 / 3, 12);
    expect(metrics.relationIoU).toBeCloseTo(1 / 3, 12);
    expect(metrics.entityIoU).toBe(1);
  });

  it("scores a change to one of two duplicate triples by hand", () => {
    // Detected triples {snow-adj-river, trees-near-river (item 2), trees-next-river (item 1)}:
    // target has 2 of them, ∪ = 3, so 2/3; relations {adjacent to, growing near, next to}: 2/3.
    const metrics = sceneGraphMetrics(example, withPredicate(example, 1, "next to"));
    expect(metrics.sgIoU).toBeCloseTo(2 / 3, 12);
    expect(metrics.relationIoU).toBeCloseTo(2 / 3, 12);
    expect(metrics.entityIoU).toBe(1);
  });

  it("treats normalised strings as equal", () => {
    const shouted: SceneGraph = {
      objects: example.objects.map((object) => ({ ...object, attributes: object.attributes.map((word) => word.toUpperCase()) })),
      relations: example.relations.map((relation) => ({ ...relation, predicate: `  ${relation.predicate.toUpperCase().replace(" ", "   ")} ` })),
    };
    expect(sceneGraphMetrics(example, shouted)).toEqual({ sgIoU: 1, entityIoU: 1, relationIoU: 1 });
    const withArticle: SceneGraph = { objects: [{ id: "x", label: "The  Cup", attributes: [] }], relations: [] };
    expect(sceneGraphMetrics({ objects: [{ id: "y", label: "cup", attributes: [] }], relations: [] }, withArticle).entityIoU).toBe(1);
  });
});

describe("sceneGraphMetrics on small graphs", () => {
  const target: SceneGraph = {
    objects: [
      { id: "cup", label: "cup", attributes: ["red"] },
      { id: "laptop", label: "laptop", attributes: [] },
      { id: "desk", label: "desk", attributes: [] },
    ],
    relations: [
      { subject: "cup", predicate: "left of", object: "laptop" },
      { subject: "laptop", predicate: "on", object: "desk" },
    ],
  };

  it("scores a detection with a wrong colour and a missing object by hand", () => {
    const detected: SceneGraph = {
      objects: [
        { id: "a", label: "cup", attributes: ["blue"] },
        { id: "b", label: "laptop", attributes: [] },
      ],
      relations: [{ subject: "a", predicate: "left of", object: "b" }],
    };
    // Triples: target {red cup-left of-laptop, laptop-on-desk}, detected {blue cup-left of-laptop}: 0/3.
    // Entities: {red cup, laptop, desk} vs {blue cup, laptop}: 1/4. Relations: {left of, on} vs {left of}: 1/2.
    expect(sceneGraphMetrics(target, detected)).toEqual({ sgIoU: 0, entityIoU: 0.25, relationIoU: 0.5 });
    // By bare label the cups match: {cup, laptop, desk} vs {cup, laptop}: 2/3.
    expect(sceneGraphMetrics(target, detected, { entityName: "label" }).entityIoU).toBeCloseTo(2 / 3, 12);
  });

  it("gives 0 for SG-IoU and Relation-IoU when neither graph has relations", () => {
    const lone: SceneGraph = { objects: [{ id: "a", label: "bench", attributes: [] }], relations: [] };
    expect(sceneGraphMetrics(lone, lone)).toEqual({ sgIoU: 0, entityIoU: 1, relationIoU: 0 });
    const empty: SceneGraph = { objects: [], relations: [] };
    expect(sceneGraphMetrics(empty, empty)).toEqual({ sgIoU: 0, entityIoU: 0, relationIoU: 0 });
  });
});
