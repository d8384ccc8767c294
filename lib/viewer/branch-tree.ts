import type { RunTree, RunTreeNode } from "../schemas/run";

/**
 * A run tree as the viewer draws and walks it: each run with its branches, ordered by the
 * iteration they fork at (then by age), and one depth-first order for stepping across branches.
 */
export interface TreeItem {
  node: RunTreeNode;
  depth: number;
  children: TreeItem[];
}

export function treeItems(tree: RunTree): TreeItem | null {
  const byParent = new Map<string | null, RunTreeNode[]>();
  for (const node of tree.nodes) {
    const key = node.id === tree.rootRunId ? null : node.parentRunId;
    byParent.set(key, [...(byParent.get(key) ?? []), node]);
  }
  const build = (node: RunTreeNode, depth: number): TreeItem => ({
    node,
    depth,
    children: (byParent.get(node.id) ?? [])
      .slice()
      .sort((a, b) => (a.forkIndex ?? 0) - (b.forkIndex ?? 0) || a.createdAt.localeCompare(b.createdAt))
      .map((child) => build(child, depth + 1)),
  });
  const root = tree.nodes.find((node) => node.id === tree.rootRunId);
  return root ? build(root, 0) : null;
}

/** Every run of the tree, parents before their branches, in the order the tree is drawn. */
export function depthFirst(root: TreeItem | null): TreeItem[] {
  if (!root) return [];
  return [root, ...root.children.flatMap((child) => depthFirst(child))];
}

/** The run `delta` steps from `currentId` in drawing order (clamped), or null when there is none to go to. */
export function stepAcrossBranches(tree: RunTree, currentId: string, delta: number): string | null {
  const order = depthFirst(treeItems(tree)).map((item) => item.node.id);
  const at = order.indexOf(currentId);
  if (at < 0) return null;
  const next = Math.min(order.length - 1, Math.max(0, at + delta));
  return next === at ? null : order[next]!;
}
