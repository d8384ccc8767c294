import { describe, expect, it } from "vitest";
import type { RunTree, RunTreeNode } from "../schemas/run";
import { depthFirst, stepAcrossBranches, treeItems } from "./branch-tree";

function node(id: string, parentRunId: string | null, forkIndex: number | null, createdAt: string): RunTreeNode {
  return { id, prompt: "p", status: "succeeded", createdAt, iterationCount: 3, bestIteration: 0, bestSgIoU: 0.5, bestImageId: null, parentRunId, forkIndex, steerLabel: parentRunId ? "x" : null };
}

// root ── b (fork at 2, older) ── d (fork at 3)
//      └─ c (fork at 1, newer)   listed before b: it forks earlier
const tree: RunTree = {
  rootRunId: "root",
  bestLeafId: "d",
  nodes: [node("root", null, null, "2026-01-01T00:00:00Z"), node("b", "root", 2, "2026-01-01T00:01:00Z"), node("c", "root", 1, "2026-01-01T00:02:00Z"), node("d", "b", 3, "2026-01-01T00:03:00Z")],
};

describe("branch tree", () => {
  it("nests branches under their parents, ordered by fork point then age", () => {
    const root = treeItems(tree)!;
    expect(root.node.id).toBe("root");
    expect(root.children.map((child) => child.node.id)).toEqual(["c", "b"]);
    expect(root.children[1]!.children.map((child) => [child.node.id, child.depth])).toEqual([["d", 2]]);
    expect(depthFirst(root).map((item) => item.node.id)).toEqual(["root", "c", "b", "d"]);
  });

  it("steps across branches in drawing order and stops at either end", () => {
    expect(stepAcrossBranches(tree, "root", 1)).toBe("c");
    expect(stepAcrossBranches(tree, "c", 1)).toBe("b");
    expect(stepAcrossBranches(tree, "d", -1)).toBe("b");
    expect(stepAcrossBranches(tree, "d", 1)).toBeNull();
    expect(stepAcrossBranches(tree, "root", -1)).toBeNull();
    expect(stepAcrossBranches(tree, "unknown", 1)).toBeNull();
  });
});
