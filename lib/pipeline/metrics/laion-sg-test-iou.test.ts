import { describe, expect, it } from "vitest";
import type { SceneGraph } from "../scene-graph/schema";
import { listIoU, parseTestIouResponse, testIouMetrics, testIouOfSceneGraphs, type Triple } from "./laion-sg-test-iou";
import { nodeTextTriples, sceneGraphMetrics } from "./scene-graph-iou";

// test_iou.py's own case: the desert house image and its predefined scene graph.
const desertHouse: Triple[] = [
  ["house", "near", "water"],
  ["house", "made_of", "stone"],
  ["mountain", "behind", "house"],
  ["rock", "near", "water"],
  ["bush", "around", "house"],
];

// A GPT-4o-style answer in the format test_iou.py asks for: fenced, with a duplicate triple and a
// capitalised name, as a real response may have.
const response = `\`\`\`json
{
  "scene_graph": [["house", "near", "water"], ["mountain", "behind", "house"], ["house", "near", "water"], ["bush", "around", "House"]],
  "object_list": ["house", "water", "mountain", "bush", "tree", "house"],
  "predicate_list": ["near", "behind", "around"]
}
\`\`\``;

describe("testIouMetrics (LAION-SG test/test_iou.py)", () => {
  it("scores the desert-house case as the script does", () => {
    const metrics = testIouMetrics(desertHouse, parseTestIouResponse(response));
    // Triples: 3 distinct detected, 2 shared ("House" is not "house"), union 6.
    expect(metrics.sgIoU).toBeCloseTo(2 / 6, 12);
    // Items {house, water, stone, mountain, rock, bush} vs {house, water, mountain, bush, tree}.
    expect(metrics.entityIoU).toBeCloseTo(4 / 7, 12);
    // Relations {near, made_of, behind, around} vs {near, behind, around}.
    expect(metrics.relationIoU).toBeCloseTo(3 / 4, 12);
  });

  it("takes detected objects and predicates from their own lists, not from the triples", () => {
    const metrics = testIouMetrics(desertHouse, { sceneGraph: desertHouse, objectList: [], predicateList: [] });
    expect(metrics).toEqual({ sgIoU: 1, entityIoU: 0, relationIoU: 0 });
  });

  it("compares raw strings: case and surrounding spaces count", () => {
    const metrics = testIouMetrics([["cup", "left of", "laptop"]], {
      sceneGraph: [["Cup", "left of", "laptop"]],
      objectList: [" cup", "laptop"],
      predicateList: ["left  of"],
    });
    expect(metrics).toEqual({ sgIoU: 0, entityIoU: 1 / 3, relationIoU: 0 });
  });

  it("is 0 when both sides are empty, like calculate_iou", () => {
    expect(listIoU([], [])).toBe(0);
    expect(testIouMetrics([], { sceneGraph: [], objectList: [], predicateList: [] })).toEqual({ sgIoU: 0, entityIoU: 0, relationIoU: 0 });
  });
});

describe("nodeTextTriples as predefined triples", () => {
  it("names items by node text, and an object in no triple is no target entity", () => {
    const graph: SceneGraph = {
      objects: [
        { id: "a", label: "cup", attributes: ["red"] },
        { id: "b", label: "laptop", attributes: [] },
        { id: "c", label: "lamp", attributes: [] },
      ],
      relations: [{ subject: "a", predicate: "left of", object: "b" }],
    };
    const triples = nodeTextTriples(graph);
    expect(triples).toEqual([["red cup", "left of", "laptop"]]);
    const metrics = testIouMetrics(triples, { sceneGraph: triples, objectList: ["red cup", "laptop"], predicateList: ["left of"] });
    expect(metrics).toEqual({ sgIoU: 1, entityIoU: 1, relationIoU: 1 });
  });
});

describe("parseTestIouResponse", () => {
  it("reads missing lists as empty and names a malformed field", () => {
    expect(parseTestIouResponse('{"scene_graph": []}')).toEqual({ sceneGraph: [], objectList: [], predicateList: [] });
    expect(() => parseTestIouResponse('{"scene_graph": [["a", "b"]]}')).toThrow(/scene_graph\[0\] must be three strings/);
    expect(() => parseTestIouResponse('{"object_list": "cup"}')).toThrow(/"object_list" must be a list of strings/);
    expect(() => parseTestIouResponse("not json")).toThrow(/not JSON/);
  });
});

describe("testIouOfSceneGraphs", () => {
  it("takes the detected object list apart from the triples, and target entities only from the triples", () => {
    const target: SceneGraph = {
      objects: [
        { id: "c", label: "cup", attributes: ["red"] },
        { id: "l", label: "laptop", attributes: [] },
        { id: "t", label: "table", attributes: [] },
      ],
      relations: [{ subject: "c", predicate: "left of", object: "l" }],
    };
    const detected: SceneGraph = {
      objects: [
        { id: "a", label: "cup", attributes: ["red"] },
        { id: "b", label: "laptop", attributes: [] },
        { id: "d", label: "table", attributes: [] },
      ],
      relations: [{ subject: "a", predicate: "left of", object: "b" }],
    };
    // The table is in no target triple, so it is no target entity; the evaluator's list still names it.
    expect(testIouOfSceneGraphs(target, detected)).toEqual({ sgIoU: 1, entityIoU: 2 / 3, relationIoU: 1 });
    // rl-rig's normalised variant counts every target object.
    expect(sceneGraphMetrics(target, detected).entityIoU).toBe(1);
  });
});
