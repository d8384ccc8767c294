import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { laionLoaderNodeText, laionRecordSchema, laionRecordToSceneGraph, LaionRecordError, sceneGraphToLaionRecord } from "./laion-sg";
import { nodeText, type SceneGraph } from "./schema";

const examplePath = path.resolve(__dirname, "../../../../shared/datasets/laion-sg/example_record.json");
const example = JSON.parse(readFileSync(examplePath, "utf8")) as Record<string, unknown>;

describe("laionRecordToSceneGraph", () => {
  it("converts the published example record", () => {
    const graph = laionRecordToSceneGraph(example);
    expect(graph.objects.map((object) => [object.id, nodeText(object)])).toEqual([
      ["item-0", "rocky tall mountains"],
      ["item-1", "leafless slender trees"],
      ["item-2", "leafless slender trees"],
      ["item-3", "white cold snow"],
      ["item-4", "reflective calm river"],
    ]);
    expect(graph.relations).toEqual([
      { subject: "item-3", predicate: "adjacent to", object: "item-4" },
      { subject: "item-1", predicate: "growing near", object: "item-4" },
      { subject: "item-2", predicate: "growing near", object: "item-4" },
    ]);
  });

  it("matches the loader's node text (which adds a space even without attributes) after trimming", () => {
    expect(laionLoaderNodeText({ label: "river", attributes: ["calm"] })).toBe("calm river");
    expect(laionLoaderNodeText({ label: "river", attributes: [] })).toBe(" river");
    expect(nodeText({ label: "river", attributes: [] })).toBe("river");
  });

  it("tolerates extra fields and missing optional metadata", () => {
    const graph = laionRecordToSceneGraph({
      items: [
        { item_id: 7, label: "cup", attributes: [], global_item_id: 1, colour_hint: "red" },
        { item_id: 9, label: "table", attributes: ["wooden"] },
      ],
      relations: [{ triple_id: 0, item1: 7, relation: "on", item2: 9, confidence: 0.9 }],
      extra: { nested: true },
    });
    expect(graph.objects.map((object) => object.id)).toEqual(["item-7", "item-9"]);
    expect(graph.relations).toEqual([{ subject: "item-7", predicate: "on", object: "item-9" }]);
  });

  it("names the triple and the missing id when a relation points nowhere", () => {
    const broken = { items: [{ item_id: 0, label: "cup", attributes: [] }], relations: [{ triple_id: 4, item1: 0, relation: "on", item2: 3 }] };
    expect(() => laionRecordToSceneGraph(broken)).toThrow(LaionRecordError);
    expect(() => laionRecordToSceneGraph(broken)).toThrow("relation triple_id 4 refers to item2 3, which is not an item_id in the record");
  });

  it("rejects duplicate item ids and self-relations", () => {
    const duplicate = { items: [{ item_id: 1, label: "cup" }, { item_id: 1, label: "plate" }], relations: [] };
    expect(() => laionRecordToSceneGraph(duplicate)).toThrow("duplicate item_id 1 in LAION-SG record");
    const self = { items: [{ item_id: 1, label: "cup" }], relations: [{ triple_id: 0, item1: 1, relation: "near", item2: 1 }] };
    expect(() => laionRecordToSceneGraph(self)).toThrow("relation triple_id 0 joins item 1 to itself");
  });

  it("reports schema problems with the path", () => {
    const result = laionRecordSchema.safeParse({ items: [{ item_id: "zero", label: "cup" }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["items", 0, "item_id"]);
  });
});

describe("sceneGraphToLaionRecord", () => {
  it("round-trips the example record (global ids and metadata aside)", () => {
    const graph = laionRecordToSceneGraph(example);
    const record = sceneGraphToLaionRecord(graph, { img_id: "482027" });
    const original = laionRecordSchema.parse(example);
    expect(record.img_id).toBe("482027");
    expect(record.items).toEqual(original.items.map(({ item_id, label, attributes }) => ({ item_id, label, attributes })));
    expect(record.relations).toEqual(
      original.relations.map(({ triple_id, item1, relation, item2 }) => ({ triple_id, item1, relation, item2 })),
    );
    expect(laionRecordToSceneGraph(record)).toEqual(graph);
  });

  it("numbers items by position when object ids are not item-<n>", () => {
    const graph: SceneGraph = {
      objects: [
        { id: "cup-1", label: "cup", attributes: ["red"] },
        { id: "laptop-1", label: "laptop", attributes: [] },
      ],
      relations: [{ subject: "cup-1", predicate: "left of", object: "laptop-1" }],
    };
    expect(sceneGraphToLaionRecord(graph)).toEqual({
      items: [
        { item_id: 0, label: "cup", attributes: ["red"] },
        { item_id: 1, label: "laptop", attributes: [] },
      ],
      relations: [{ triple_id: 0, item1: 0, relation: "left of", item2: 1 }],
    });
  });
});
