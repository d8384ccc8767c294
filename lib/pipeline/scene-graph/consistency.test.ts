import { describe, expect, it } from "vitest";
import { sceneGraphProblems } from "./consistency";
import type { SceneGraph } from "./schema";

function graph(relations: Array<[string, string, string]>, extra: string[] = []): SceneGraph {
  const ids = [...new Set([...relations.flatMap(([subject, , object]) => [subject, object]), ...extra])];
  return {
    objects: ids.map((id) => ({ id, label: id, attributes: [] })),
    relations: relations.map(([subject, predicate, object]) => ({ subject, predicate, object })),
  };
}

describe("sceneGraphProblems", () => {
  it("finds nothing wrong with relations that can all hold", () => {
    expect(sceneGraphProblems(graph([["cup", "left of", "laptop"], ["laptop", "on", "desk"], ["cat", "under", "desk"], ["dog", "right of", "cat"]]))).toEqual([]);
    // A left of B and B right of A say the same thing.
    expect(sceneGraphProblems(graph([["a", "left of", "b"], ["b", "right of", "a"]]))).toEqual([]);
  });

  it("names a two-relation cycle on one axis", () => {
    const problems = sceneGraphProblems(graph([["a", "left of", "b"], ["b", "left of", "a"]]));
    expect(problems).toEqual([{ kind: "contradiction", relations: [0, 1], message: "these relations cannot all hold: a left of b, b left of a" }]);
  });

  it("finds longer cycles and cycles that mix phrasings of one axis", () => {
    expect(sceneGraphProblems(graph([["a", "left of", "b"], ["b", "to the left of", "c"], ["a", "right of", "c"]]))[0]).toMatchObject({ kind: "contradiction", relations: [0, 1, 2] });
    // "on" puts the subject higher, so "book on table" and "table above book" clash.
    expect(sceneGraphProblems(graph([["book", "on", "table"], ["table", "above", "book"]]))[0]).toMatchObject({ kind: "contradiction" });
    expect(sceneGraphProblems(graph([["a", "in front of", "b"], ["a", "behind", "b"]]))[0]?.message).toBe("these relations cannot all hold: a in front of b, a behind b");
    // Different axes never clash: a left of b and b above a can both hold.
    expect(sceneGraphProblems(graph([["a", "left of", "b"], ["b", "above", "a"]]))).toEqual([]);
  });

  it("reports a predicate the table cannot read, with the relation and object names", () => {
    const problems = sceneGraphProblems({
      objects: [
        { id: "o1", label: "cat", attributes: ["black"] },
        { id: "o2", label: "dog", attributes: [] },
      ],
      relations: [{ subject: "o1", predicate: "zorbles", object: "o2" }],
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: "unknown-predicate", relation: 0 });
    expect(problems[0]!.message).toMatch(/^relation 1 \(black cat zorbles dog\): unknown predicate "zorbles"/);
  });
});
