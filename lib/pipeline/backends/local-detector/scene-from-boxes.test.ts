import { describe, expect, it } from "vitest";
import { relationHolds } from "../../metrics/spatial-geometry";
import { checkResultSchema } from "../../roles/types";
import type { Box, SceneGraph } from "../../scene-graph/schema";
import type { RawDetection } from "./model";
import { groundContactDepths, sceneFromDetections } from "./scene-from-boxes";

const box = (x: number, y: number, width: number, height: number): Box => ({ x, y, width, height });
const detection = (label: string, at: Box, score = 0.9): RawDetection => ({ label, score, box: at });

const dogLeftOfCat: SceneGraph = {
  objects: [
    { id: "dog", label: "dog", attributes: [] },
    { id: "cat", label: "cat", attributes: [] },
  ],
  relations: [{ subject: "dog", predicate: "left of", object: "cat" }],
};

describe("sceneFromDetections", () => {
  it("reads relations from the boxes through the shared geometry, naming objects with the target's names", () => {
    const result = sceneFromDetections(dogLeftOfCat, [detection("cat", box(0.6, 0.4, 0.2, 0.3)), detection("dog", box(0.1, 0.4, 0.2, 0.3))]);
    expect(() => checkResultSchema.parse(result)).not.toThrow();
    expect(result.critique.triples).toEqual([expect.objectContaining({ status: "satisfied" })]);
    expect(result.detected.relations).toEqual([{ subject: result.critique.matches.dog, predicate: "left of", object: result.critique.matches.cat }]);
    expect(result.critique.locations.dog).toEqual(box(0.1, 0.4, 0.2, 0.3));

    const swapped = sceneFromDetections(dogLeftOfCat, [detection("cat", box(0.1, 0.4, 0.2, 0.3)), detection("dog", box(0.6, 0.4, 0.2, 0.3))]);
    expect(swapped.critique.triples[0]).toMatchObject({ status: "violated", observedPredicate: "right of" });
    expect(swapped.detected.relations).toEqual([]);
  });

  it("makes the triples of an object not found missing, and ignores classes the target does not ask for", () => {
    const result = sceneFromDetections(dogLeftOfCat, [detection("dog", box(0.1, 0.4, 0.2, 0.3)), detection("person", box(0.5, 0.1, 0.3, 0.8))]);
    expect(result.critique.missingObjects).toEqual(["cat"]);
    expect(result.critique.triples[0]!.status).toBe("missing");
    expect(result.detected.objects.map((object) => object.label)).toEqual(["dog"]);
  });

  it("counts instances: a surplus one is an extra object under the target's name", () => {
    const target: SceneGraph = {
      objects: [{ id: "m", label: "man", attributes: [] }, { id: "b", label: "ball", attributes: [] }],
      relations: [{ subject: "b", predicate: "right of", object: "m" }],
    };
    const result = sceneFromDetections(target, [
      detection("person", box(0.05, 0.2, 0.2, 0.7)),
      detection("person", box(0.4, 0.2, 0.2, 0.7)),
      detection("sports ball", box(0.8, 0.7, 0.08, 0.08)),
    ]);
    expect(result.critique.triples[0]!.status).toBe("satisfied");
    expect(result.critique.extraObjects).toEqual([expect.objectContaining({ label: "man" })]);
    expect(result.detected.objects.map((object) => object.label).sort()).toEqual(["ball", "man", "man"]);
  });

  it("reports labels outside COCO-80 as unsupported: missing, with a warning naming them", () => {
    const target: SceneGraph = {
      objects: [{ id: "u", label: "unicorn", attributes: [] }, { id: "d", label: "dog", attributes: [] }],
      relations: [{ subject: "u", predicate: "next to", object: "d" }],
    };
    const result = sceneFromDetections(target, [detection("dog", box(0.3, 0.3, 0.3, 0.3)), detection("horse", box(0.6, 0.3, 0.3, 0.3))]);
    expect(result.warnings.some((warning) => warning.includes('"unicorn"') && warning.includes("COCO"))).toBe(true);
    expect(result.critique.missingObjects).toEqual(["u"]);
    expect(result.critique.triples[0]!.status).toBe("missing");
  });

  it("says that attributes are not checked, and keeps the target's on found objects", () => {
    const target: SceneGraph = { objects: [{ id: "c", label: "car", attributes: ["red"] }], relations: [] };
    const result = sceneFromDetections(target, [detection("car", box(0.2, 0.5, 0.4, 0.3))]);
    expect(result.warnings.some((warning) => warning.startsWith("attributes"))).toBe(true);
    expect(result.detected.objects[0]!.attributes).toEqual(["red"]);
    expect(result.critique.attributeMismatches).toEqual([]);
  });

  it("warns when names share one COCO class", () => {
    const target: SceneGraph = {
      objects: [{ id: "m", label: "man", attributes: [] }, { id: "w", label: "woman", attributes: [] }],
      relations: [{ subject: "m", predicate: "left of", object: "w" }],
    };
    const result = sceneFromDetections(target, [detection("person", box(0.6, 0.2, 0.2, 0.7)), detection("person", box(0.1, 0.2, 0.2, 0.7))]);
    expect(result.warnings.some((warning) => warning.includes('"man" and "woman"'))).toBe(true);
    expect(result.critique.triples[0]!.status).toBe("satisfied");
  });

  it("judges in front of / behind with the ground-contact depth proxy, and says so", () => {
    const target: SceneGraph = {
      objects: [{ id: "d", label: "dog", attributes: [] }, { id: "c", label: "car", attributes: [] }],
      relations: [{ subject: "d", predicate: "in front of", object: "c" }],
    };
    // The dog's base is lower in the picture (nearer) and the boxes overlap horizontally.
    const near = sceneFromDetections(target, [detection("car", box(0.3, 0.3, 0.5, 0.3)), detection("dog", box(0.4, 0.4, 0.2, 0.5))]);
    expect(near.critique.triples[0]!.status).toBe("satisfied");
    expect(near.warnings.some((warning) => warning.startsWith("in front of / behind"))).toBe(true);
    expect(near.critique.depths.d).toBeLessThan(near.critique.depths.c!);
    const far = sceneFromDetections(target, [detection("car", box(0.3, 0.5, 0.5, 0.45)), detection("dog", box(0.45, 0.3, 0.1, 0.08))]);
    expect(far.critique.triples[0]!.status).toBe("violated");
    expect(far.critique.depths.d).toBeGreaterThan(far.critique.depths.c!);
  });
});

describe("groundContactDepths", () => {
  it("is 1 - the base's height, and an object resting on another takes its support's depth", () => {
    const table = box(0.2, 0.5, 0.6, 0.4); // base at 0.9
    const cup = box(0.4, 0.35, 0.1, 0.16); // base at 0.51: on the table's top
    const lamp = box(0.85, 0.1, 0.1, 0.3); // base at 0.4, on nothing
    const depths = groundContactDepths([cup, table, lamp]);
    expect(relationHolds("on", { box: cup, depth: 0 }, { box: table, depth: 0 })).toBe(true);
    expect(depths[1]).toBeCloseTo(0.1);
    expect(depths[0]).toBeCloseTo(0.1);
    expect(depths[2]).toBeCloseTo(0.6);
  });
});
