import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { laionRecordToSceneGraph } from "./laion-sg";
import { parsePrompt } from "./parse-prompt";
import { sceneGraphToPromptText } from "./prompt-text";
import type { SceneGraph } from "./schema";

const examplePath = path.resolve(__dirname, "../../../../shared/datasets/laion-sg/example_record.json");

describe("sceneGraphToPromptText", () => {
  it("writes triples, then unrelated objects, '; '-joined, without articles", () => {
    const graph: SceneGraph = {
      objects: [
        { id: "cup", label: "cup", attributes: ["red"] },
        { id: "laptop", label: "laptop", attributes: [] },
        { id: "desk", label: "desk", attributes: ["wooden"] },
        { id: "lamp", label: "lamp", attributes: [] },
      ],
      relations: [
        { subject: "cup", predicate: "left of", object: "laptop" },
        { subject: "laptop", predicate: "on", object: "desk" },
      ],
    };
    expect(sceneGraphToPromptText(graph)).toBe("red cup left of laptop; laptop on wooden desk; lamp");
  });

  it("writes the LAION-SG example as its loader would list it", () => {
    const graph = laionRecordToSceneGraph(JSON.parse(readFileSync(examplePath, "utf8")));
    expect(sceneGraphToPromptText(graph)).toBe(
      "white cold snow adjacent to reflective calm river; leafless slender trees growing near reflective calm river; " +
        "leafless slender trees growing near reflective calm river; rocky tall mountains",
    );
  });

  it("is read back by parsePrompt (equal node texts merge)", () => {
    const text = "red cup left of laptop; laptop on wooden desk; lamp";
    expect(sceneGraphToPromptText(parsePrompt(text))).toBe(text);
  });

  it("returns an empty string for an empty graph", () => {
    expect(sceneGraphToPromptText({ objects: [], relations: [] })).toBe("");
  });
});
