import { describe, expect, it } from "vitest";
import { parseSceneGraphInput } from "../pipeline/scene-graph/parse-input";
import { addObject, addRelation, editorPredicates, emptyEditor, moveObject, parseAttributes, removeObject, setPredicate, viewOf } from "./target-editor";

function threeObjects() {
  let state = addObject(emptyEditor, "Cup", parseAttributes("red, small"));
  state = addObject(state, "laptop", []);
  state = addObject(state, "cup", []);
  return state;
}

describe("target editor model", () => {
  it("gives each object a unique id from its label and a free place on the canvas", () => {
    const state = threeObjects();
    expect(state.objects.map((object) => [object.id, object.label, object.attributes])).toEqual([
      ["cup-1", "cup", ["red", "small"]],
      ["laptop-1", "laptop", []],
      ["cup-2", "cup", []],
    ]);
    expect(new Set(state.objects.map((object) => `${object.x},${object.y}`)).size).toBe(3);
    expect(moveObject(state, "cup-1", 1.5, -2).objects[0]).toMatchObject({ x: 1, y: 0 });
  });

  it("shows the graph as prompt text and a LAION-SG record the importer reads back to the same graph", () => {
    let state = threeObjects();
    state = addRelation(state, { subject: "cup-1", predicate: "left of", object: "laptop-1" });
    state = addRelation(state, { subject: "cup-2", predicate: "on", object: "laptop-1" });
    const view = viewOf(state);
    expect(view.problems).toEqual([]);
    expect(view.promptText).toContain("left of");
    const fromLaion = parseSceneGraphInput(view.laionSg);
    expect(fromLaion.objects.map((object) => [object.label, object.attributes])).toEqual(view.graph.objects.map((object) => [object.label, object.attributes]));
    expect(fromLaion.relations.map((relation) => relation.predicate)).toEqual(["left of", "on"]);
    // The JSON the editor runs is what the API reads.
    expect(parseSceneGraphInput(JSON.stringify(view.graph))).toEqual(view.graph);
  });

  it("says what the API would refuse: no objects, a cycle, an unknown predicate", () => {
    expect(viewOf(emptyEditor).problems).toEqual(["add at least one object"]);
    let state = threeObjects();
    state = addRelation(state, { subject: "cup-1", predicate: "left of", object: "laptop-1" });
    state = addRelation(state, { subject: "laptop-1", predicate: "left of", object: "cup-1" });
    expect(viewOf(state).problems).toEqual(["these relations cannot all hold: red small cup left of laptop, laptop left of red small cup"]);
    state = setPredicate(state, 1, "zorbles");
    expect(viewOf(state).problems[0]).toMatch(/unknown predicate "zorbles"/);
    // Removing an object takes its relations with it.
    expect(viewOf(removeObject(state, "laptop-1")).problems).toEqual([]);
  });

  it("does not add the same triple twice and offers one predicate per checkable class", () => {
    const relation = { subject: "cup-1", predicate: "left of", object: "laptop-1" };
    const state = addRelation(addRelation(threeObjects(), relation), { ...relation, predicate: " left of " });
    expect(state.relations).toHaveLength(1);
    expect(editorPredicates).toContain("in front of");
    expect(new Set(editorPredicates).size).toBe(editorPredicates.length);
  });
});
