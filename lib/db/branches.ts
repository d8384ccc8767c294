import "server-only";
import { AppError } from "../errors";
import { bestIterationIndex } from "../pipeline/loop/stop-conditions";
import { critiqueSchema, type Critique } from "../pipeline/roles/types";
import { metricsSchema, runIdSchema, runStatusSchema, type StoredBranchSteer, type RunSettings, type RunTree, type RunTreeNode } from "../schemas/run";
import { db } from "./client";
import { summarySelect, toRunLineage, toRunSummary, warningsSchema } from "./mappers";

/**
 * Runs as trees. A branch is an ordinary run (the worker executes, resumes, cancels and shares it
 * like any other) that starts with copies of its parent's iterations 0..forkIndex, the same image
 * ids, so its trajectory is complete on its own and the loop resumes from them. What the person
 * gave the first new iteration is stored as `steer`. Every run of a tree names the root.
 */

export interface CreateBranchInput {
  parentId: string;
  forkIndex: number;
  steer: StoredBranchSteer;
  /** The branch's settings; maxIterations counts the copied iterations too. */
  settings: RunSettings;
}

/** The parent's settings and how many iterations it has, for choosing a branch's defaults. */
export async function getBranchParent(id: string): Promise<{ settings: unknown; iterationCount: number } | null> {
  if (!runIdSchema.safeParse(id).success) return null;
  return db().run.findUnique({ where: { id }, select: { settings: true, iterationCount: true } });
}

/** Stores a queued branch with its copied iterations, in one transaction, and returns its id. */
export async function createBranch(data: CreateBranchInput): Promise<{ id: string }> {
  const { parentId, forkIndex } = data;
  return db().$transaction(async (tx) => {
    const parent = await tx.run.findUnique({
      where: { id: parentId },
      include: { iterations: { where: { index: { lte: forkIndex } }, orderBy: { index: "asc" } } },
    });
    if (!parent) throw new AppError("not_found:run", `no run with id "${parentId}"`);
    const copied = parent.iterations;
    if (copied.length !== forkIndex + 1) {
      throw new AppError("bad_request:iteration", `run "${parentId}" has no iteration ${forkIndex} to branch from (it has ${parent.iterationCount})`);
    }
    const best = bestIterationIndex(copied.map((row) => ({ metrics: metricsSchema.parse(row.metrics) })));
    const branch = await tx.run.create({
      data: {
        input: parent.input,
        prompt: parent.prompt,
        promptSearch: parent.promptSearch,
        target: parent.target ?? {},
        settings: data.settings,
        status: "queued",
        parentRunId: parent.id,
        forkIndex,
        rootRunId: parent.rootRunId ?? parent.id,
        steer: data.steer,
        iterationCount: copied.length,
        bestIteration: best,
        bestSgIoU: copied[best]!.sgIoU,
        bestImageId: copied[best]!.imageId,
      },
      select: { id: true },
    });
    await tx.iteration.createMany({
      data: copied.map(({ id: _id, runId: _runId, createdAt, ...iteration }) => ({
        ...iteration,
        runId: branch.id,
        // Keep when the parent made it: the branch's timeline shows real history.
        createdAt,
        detected: iteration.detected ?? {},
        critique: iteration.critique ?? {},
        metrics: iteration.metrics ?? {},
        durationsMs: iteration.durationsMs ?? {},
        seeds: iteration.seeds ?? {},
        warnings: iteration.warnings ?? [],
      })),
    });
    return branch;
  });
}

/** The tree the run belongs to, the root first, then oldest first; null when there is no such run. */
export async function getRunTree(id: string): Promise<RunTree | null> {
  if (!runIdSchema.safeParse(id).success) return null;
  const client = db();
  const run = await client.run.findUnique({ where: { id }, select: { id: true, rootRunId: true } });
  if (!run) return null;
  const rootRunId = run.rootRunId ?? run.id;
  const rows = await client.run.findMany({
    where: { OR: [{ id: rootRunId }, { rootRunId }] },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { ...summarySelect, parentRunId: true, forkIndex: true, rootRunId: true, steer: true },
  });
  const nodes: RunTreeNode[] = rows.map((row) => {
    const lineage = toRunLineage(row);
    return {
      ...toRunSummary(row),
      parentRunId: row.parentRunId,
      forkIndex: row.forkIndex,
      steerLabel: lineage ? ("instruction" in lineage.steer ? lineage.steer.instruction : "edited critique") : null,
    };
  });
  // The root first even if a clock skew made a branch look older.
  nodes.sort((a, b) => Number(b.id === rootRunId) - Number(a.id === rootRunId));
  return { rootRunId, nodes, bestLeafId: bestLeaf(nodes) };
}

function bestLeaf(nodes: readonly RunTreeNode[]): string | null {
  const parents = new Set(nodes.map((node) => node.parentRunId));
  let best: RunTreeNode | null = null;
  for (const node of nodes) {
    if (parents.has(node.id) || node.bestSgIoU === null) continue;
    if (best === null || node.bestSgIoU > best.bestSgIoU!) best = node;
  }
  return best?.id ?? null;
}

/** A branch of the tree and its iterations at the fork point and right after it (the state and the edit). */
export interface BranchEdit {
  id: string;
  parentRunId: string | null;
  forkIndex: number;
  steer: StoredBranchSteer;
  status: RunTreeNode["status"];
  createdAt: Date;
  state: StoredReading | null;
  edited: StoredReading | null;
}

export interface StoredReading {
  critique: Critique;
  metrics: { sgIoU: number; entityIoU: number; relationIoU: number };
  warnings: string[];
}

/** Every branch of the tree `rootRunId` with the readings before and after its first own iteration, oldest first. */
export async function listBranchEdits(rootRunId: string): Promise<BranchEdit[]> {
  const client = db();
  const rows = await client.run.findMany({
    where: { rootRunId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, parentRunId: true, forkIndex: true, rootRunId: true, steer: true, status: true, createdAt: true },
  });
  const iterations = await client.iteration.findMany({
    where: { runId: { in: rows.map((row) => row.id) } },
    select: { runId: true, index: true, critique: true, metrics: true, warnings: true },
  });
  const reading = (runId: string, index: number): StoredReading | null => {
    const row = iterations.find((iteration) => iteration.runId === runId && iteration.index === index);
    return row ? { critique: critiqueSchema.parse(row.critique), metrics: metricsSchema.parse(row.metrics), warnings: warningsSchema.parse(row.warnings) } : null;
  };
  return rows.flatMap((row) => {
    const lineage = toRunLineage(row);
    if (!lineage) return [];
    return [{
      id: row.id,
      parentRunId: row.parentRunId,
      forkIndex: lineage.forkIndex,
      steer: lineage.steer,
      status: runStatusSchema.parse(row.status),
      createdAt: row.createdAt,
      state: reading(row.id, lineage.forkIndex),
      edited: reading(row.id, lineage.forkIndex + 1),
    }];
  });
}
