"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { IoUBadge, RunStatusBadge } from "@/components/status-badge";
import { treeItems, type TreeItem } from "@/lib/viewer/branch-tree";
import { withoutSceneContext } from "@/lib/viewer/format";
import { runQueries } from "@/lib/viewer/run-queries";
import { isLive } from "@/lib/viewer/run-stream";

const POLL_MS = 2_000;

/**
 * The run's tree: the original run and every branch forked from it (and from its branches), each
 * with its status and best SG-IoU; the best leaf is marked and the run on screen is the current one.
 */
export function BranchTree({ runId, iteration }: { runId: string; iteration: number | null }) {
  const tree = useQuery({
    ...runQueries.tree(runId),
    refetchInterval: (query) => (query.state.data?.nodes.some((node) => isLive(node.status)) ? POLL_MS : false),
  });
  if (tree.isPending) return <p className="text-sm text-slate-700">Loading the branches…</p>;
  if (tree.isError) return <p role="alert" className="text-sm text-red-800">Could not load the branches: {tree.error.message}</p>;
  const root = treeItems(tree.data);
  if (!root) return null;
  return (
    <div className="flex flex-col gap-2 text-sm" data-testid="branch-tree">
      {tree.data.nodes.length === 1 ? (
        <p className="text-slate-700">No branches yet. Use “Fork here” on any iteration to try your own instruction or critique from there.</p>
      ) : (
        <p className="text-slate-700">
          {tree.data.nodes.length - 1} branch{tree.data.nodes.length === 2 ? "" : "es"}. [ / ] step to the previous / next run of the tree at the same iteration.
        </p>
      )}
      <ul role="tree" aria-label="Runs of this tree" className="flex flex-col gap-1">
        <TreeRow item={root} currentId={runId} bestLeafId={tree.data.bestLeafId} iteration={iteration} />
      </ul>
    </div>
  );
}

function TreeRow({ item, currentId, bestLeafId, iteration }: { item: TreeItem; currentId: string; bestLeafId: string | null; iteration: number | null }) {
  const { node } = item;
  const current = node.id === currentId;
  const best = node.id === bestLeafId;
  const label = node.forkIndex === null ? "Original run" : `Fork at #${node.forkIndex}: ${withoutSceneContext(node.steerLabel ?? "")}`;
  const href = `/runs/${encodeURIComponent(node.id)}${iteration === null ? "" : `?i=${Math.min(iteration, Math.max(0, node.iterationCount - 1))}`}`;
  return (
    <li role="treeitem" aria-selected={current} aria-expanded={item.children.length > 0 ? true : undefined} data-testid="branch-node" data-run-id={node.id} data-best-leaf={best} data-current={current}>
      <div className={`flex flex-wrap items-center gap-2 rounded px-2 py-1 ${current ? "bg-blue-50 ring-1 ring-blue-300" : ""}`}>
        {current ? (
          <span className="font-medium text-slate-900" aria-current="page">
            {label}
          </span>
        ) : (
          <Link href={href} className="font-medium text-blue-800 underline">
            {label}
          </Link>
        )}
        <RunStatusBadge status={node.status} testId="branch-status" />
        <IoUBadge value={node.bestSgIoU} label="Best SG-IoU" />
        <span className="text-xs text-slate-600">{node.iterationCount} iterations</span>
        {best ? (
          <span data-testid="best-leaf" className="rounded bg-green-700 px-1.5 py-0.5 text-xs font-medium text-white">
            best leaf
          </span>
        ) : null}
      </div>
      {item.children.length > 0 ? (
        <ul role="group" className="ml-5 flex flex-col gap-1 border-l border-slate-200 pl-2">
          {item.children.map((child) => (
            <TreeRow key={child.node.id} item={child} currentId={currentId} bestLeafId={bestLeafId} iteration={iteration} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}
