import type { IterationView } from "../schemas/run";
import type { TripleStatus } from "../pipeline/roles/types";
import type { Box } from "../pipeline/scene-graph/schema";
import { locate } from "./overlay-geometry";

/**
 * What changed between two iterations of a run: metric deltas, triples whose status changed,
 * target objects found or lost, and objects that moved (by their normalised box centres).
 */

export interface TripleChange {
  tripleIndex: number;
  subject: string;
  predicate: string;
  object: string;
  from: TripleStatus | null;
  to: TripleStatus | null;
}

export interface ObjectMove {
  targetId: string;
  /** Centre displacement in image fractions (x right, y down). */
  dx: number;
  dy: number;
}

export interface IterationDiff {
  metrics: { sgIoU: number; entityIoU: number; relationIoU: number };
  tripleChanges: TripleChange[];
  /** Target objects missing in `from` and found in `to`. */
  found: string[];
  /** Target objects found in `from` and missing in `to`. */
  lost: string[];
  moved: ObjectMove[];
}

/** Movement smaller than this fraction of the image is noise, not a move. */
export const MOVE_THRESHOLD = 0.02;

function tripleKey(triple: { subject: string; predicate: string; object: string }): string {
  return `${triple.subject}\u0000${triple.predicate}\u0000${triple.object}`;
}

function center(box: Box): { x: number; y: number } {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

export function diffIterations(from: IterationView, to: IterationView): IterationDiff {
  const metrics = {
    sgIoU: to.metrics.sgIoU - from.metrics.sgIoU,
    entityIoU: to.metrics.entityIoU - from.metrics.entityIoU,
    relationIoU: to.metrics.relationIoU - from.metrics.relationIoU,
  };

  const fromStatus = new Map(from.critique.triples.map((triple) => [tripleKey(triple), triple.status]));
  const tripleChanges: TripleChange[] = [];
  const seen = new Set<string>();
  to.critique.triples.forEach((triple, tripleIndex) => {
    const key = tripleKey(triple);
    seen.add(key);
    const before = fromStatus.get(key) ?? null;
    if (before !== triple.status) {
      tripleChanges.push({ tripleIndex, subject: triple.subject, predicate: triple.predicate, object: triple.object, from: before, to: triple.status });
    }
  });
  from.critique.triples.forEach((triple, tripleIndex) => {
    if (seen.has(tripleKey(triple))) return;
    tripleChanges.push({ tripleIndex, subject: triple.subject, predicate: triple.predicate, object: triple.object, from: triple.status, to: null });
  });

  const fromMissing = new Set(from.critique.missingObjects);
  const toMissing = new Set(to.critique.missingObjects);
  const found = [...fromMissing].filter((id) => !toMissing.has(id));
  const lost = [...toMissing].filter((id) => !fromMissing.has(id));

  const moved: ObjectMove[] = [];
  for (const targetId of Object.keys(to.critique.matches)) {
    const before = locate(targetId, from.detected, from.critique);
    const after = locate(targetId, to.detected, to.critique);
    if (!before || !after) continue;
    const a = center(before);
    const b = center(after);
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    if (Math.hypot(dx, dy) >= MOVE_THRESHOLD) moved.push({ targetId, dx, dy });
  }
  return { metrics, tripleChanges, found, lost, moved };
}

/** "left", "up and right" ... for a displacement (y down). */
export function describeMove(move: Pick<ObjectMove, "dx" | "dy">): string {
  const parts: string[] = [];
  if (Math.abs(move.dy) >= MOVE_THRESHOLD) parts.push(move.dy < 0 ? "up" : "down");
  if (Math.abs(move.dx) >= MOVE_THRESHOLD) parts.push(move.dx < 0 ? "left" : "right");
  return parts.join(" and ") || "in place";
}
