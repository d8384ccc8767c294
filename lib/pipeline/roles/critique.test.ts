import { describe, expect, it } from "vitest";
import { buildCritique } from "./critique";
import { matchObjects } from "./match-objects";
import type { SceneGraph } from "../scene-graph/schema";

const target: SceneGraph = {
  objects: [
    { id: "cup", label: "cup", attributes: ["red"] },
    { id: "laptop", label: "laptop", attributes: [] },
    { id: "dog", label: "dog", attributes: [] },
  ],
  relations: [
    { subject: "cup", predicate: "left of", object: "laptop" },
    { subject: "dog", predicate: "next to", object: "laptop" },
  ],
};

describe("buildCritique", () => {
  it("marks satisfied, violated and missing triples, missing and extra objects and attribute mismatches", () => {
    const detected: SceneGraph = {
      objects: [
        { id: "d1", label: "cup", attributes: ["blue"] },
        { id: "d2", label: "laptop", attributes: [] },
        { id: "d3", label: "cat", attributes: [] },
      ],
      relations: [{ subject: "d1", predicate: "right of", object: "d2" }],
    };
    const critique = buildCritique(target, detected, { cup: "d1", laptop: "d2" });
    expect(critique.triples.map((triple) => triple.status)).toEqual(["violated", "missing"]);
    expect(critique.triples[0]!.observedPredicate).toBe("right of");
    expect(critique.missingObjects).toEqual(["dog"]);
    expect(critique.extraObjects.map((extra) => extra.detectedId)).toEqual(["d3"]);
    expect(critique.attributeMismatches).toEqual([{ objectId: "cup", expected: ["red"], observed: ["blue"] }]);
    expect(critique.summary).toContain("Missing: dog.");
    expect(critique.summary).toContain("Violated: red cup should be left of laptop; it is right of it.");
    expect(critique.summary).toContain("0 of 2 relations hold.");
  });

  it("counts a triple satisfied when the predicate matches up to case and spacing", () => {
    const detected: SceneGraph = {
      objects: [
        { id: "a", label: "cup", attributes: ["red"] },
        { id: "b", label: "laptop", attributes: [] },
        { id: "c", label: "dog", attributes: [] },
      ],
      relations: [
        { subject: "a", predicate: "Left  of", object: "b" },
        { subject: "c", predicate: "next to", object: "b" },
      ],
    };
    const critique = buildCritique(target, detected, { cup: "a", laptop: "b", dog: "c" });
    expect(critique.triples.every((triple) => triple.status === "satisfied")).toBe(true);
    expect(critique.missingObjects).toEqual([]);
    expect(critique.extraObjects).toEqual([]);
    expect(critique.attributeMismatches).toEqual([]);
  });
});

describe("matchObjects", () => {
  const twoCups: SceneGraph = {
    objects: [
      { id: "left-cup", label: "cup", attributes: [] },
      { id: "right-cup", label: "cup", attributes: [] },
      { id: "laptop", label: "laptop", attributes: [] },
    ],
    relations: [
      { subject: "left-cup", predicate: "left of", object: "laptop" },
      { subject: "right-cup", predicate: "right of", object: "laptop" },
    ],
  };

  it("assigns look-alike instances so that the relations they take part in hold", () => {
    const detected = [
      { id: "east", label: "cup", attributes: [] },
      { id: "west", label: "cup", attributes: [] },
      { id: "pc", label: "Laptop", attributes: [] },
    ];
    const side: Record<string, string> = { east: "right of", west: "left of" };
    const matches = matchObjects(twoCups, detected, (relation, subject) => side[subject] === relation.predicate);
    expect(matches).toEqual({ "left-cup": "west", "right-cup": "east", laptop: "pc" });
  });

  it("prefers attribute agreement and leaves surplus targets unmatched", () => {
    const graph: SceneGraph = {
      objects: [
        { id: "red", label: "cup", attributes: ["red"] },
        { id: "blue", label: "cup", attributes: ["blue"] },
      ],
      relations: [],
    };
    const matches = matchObjects(graph, [{ id: "x", label: "cup", attributes: ["blue"] }]);
    expect(matches).toEqual({ blue: "x" });
  });
});
