import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseSceneGraphInput, parseSceneGraphInputWithSource, SceneGraphInputError } from "./parse-input";
import { PromptParseError } from "./parse-prompt";

const examplePath = path.resolve(__dirname, "../../../../shared/datasets/laion-sg/example_record.json");

describe("parseSceneGraphInput", () => {
  it("reads a canonical scene graph", () => {
    const json = JSON.stringify({
      objects: [
        { id: "a", label: "cup" },
        { id: "b", label: "table", attributes: ["wooden"] },
      ],
      relations: [{ subject: "a", predicate: "on", object: "b" }],
    });
    expect(parseSceneGraphInputWithSource(json)).toEqual({
      source: "scene-graph",
      graph: {
        objects: [
          { id: "a", label: "cup", attributes: [] },
          { id: "b", label: "table", attributes: ["wooden"] },
        ],
        relations: [{ subject: "a", predicate: "on", object: "b" }],
      },
    });
  });

  it("reads a LAION-SG record", () => {
    const result = parseSceneGraphInputWithSource(readFileSync(examplePath, "utf8"));
    expect(result.source).toBe("laion-sg");
    expect(result.graph.objects).toHaveLength(5);
    expect(result.graph.relations).toHaveLength(3);
  });

  it("reads prompt text", () => {
    const result = parseSceneGraphInputWithSource("a photo of a dog right of a teddy bear");
    expect(result.source).toBe("prompt");
    expect(parseSceneGraphInput("a photo of a dog right of a teddy bear")).toEqual(result.graph);
    expect(result.graph.relations).toEqual([{ subject: "dog-1", predicate: "right of", object: "teddy-bear-1" }]);
  });

  it("reports invalid JSON with the JSON parser's own message (which gives the position)", () => {
    for (const text of ['{"objects": [}', '{"objects": [] "relations": []}']) {
      let message = "";
      try {
        parseSceneGraphInput(text);
      } catch (error) {
        expect(error).toBeInstanceOf(SceneGraphInputError);
        message = (error as Error).message;
      }
      let native = "";
      try {
        JSON.parse(text);
      } catch (error) {
        native = (error as Error).message;
      }
      expect(message).toBe(`invalid JSON: ${native}`);
    }
    // V8 names the offset for this kind of mistake (Node 20+).
    expect(() => parseSceneGraphInput('{"objects": [] "relations": []}')).toThrow(/position 15/);
  });

  it("names the path of schema problems", () => {
    const badGraph = JSON.stringify({ objects: [{ id: "a", label: "" }], relations: [{ subject: "a", predicate: "on", object: "z" }] });
    expect(() => parseSceneGraphInput(badGraph)).toThrow(
      'invalid scene graph: objects[0].label: object label must not be empty; relations[0].object: relation object "z" is not the id of any object',
    );
    const badRecord = JSON.stringify({ items: [{ item_id: 0, label: "cup", attributes: "red" }], relations: [] });
    expect(() => parseSceneGraphInput(badRecord)).toThrow(/^invalid LAION-SG record: items\[0\]\.attributes: /);
    const dangling = JSON.stringify({ items: [{ item_id: 0, label: "cup" }], relations: [{ triple_id: 2, item1: 0, relation: "on", item2: 5 }] });
    expect(() => parseSceneGraphInput(dangling)).toThrow(
      "invalid LAION-SG record: relation triple_id 2 refers to item2 5, which is not an item_id in the record",
    );
  });

  it("rejects JSON of another shape and unreadable prompts", () => {
    expect(() => parseSceneGraphInput("[1, 2]")).toThrow("expected one JSON object (a scene graph or a LAION-SG record), got an array");
    expect(() => parseSceneGraphInput('{"nodes": []}')).toThrow('JSON object has neither "objects" (a scene graph) nor "items" (a LAION-SG record)');
    expect(() => parseSceneGraphInput("the vibes of a sunset")).toThrow(PromptParseError);
    expect(() => parseSceneGraphInput("   ")).toThrow("empty prompt: nothing to parse");
  });
});
