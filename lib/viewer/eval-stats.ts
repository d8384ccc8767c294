import type { EvaluationItemResult } from "../pipeline/evaluation/types";

/** Pure helpers of the evaluation page: the gain histogram and the per-item table's sorting. */

export interface HistogramBin {
  /** Inclusive lower edge, exclusive upper edge (the last bin includes its upper edge). */
  low: number;
  high: number;
  count: number;
}

/** Loop - one-shot SG-IoU per done item, binned over [-1, 1] in `bins` equal bins. */
export function gainHistogram(results: readonly EvaluationItemResult[], bins = 10): HistogramBin[] {
  const width = 2 / bins;
  const histogram = Array.from({ length: bins }, (_, index) => ({ low: round(-1 + index * width), high: round(-1 + (index + 1) * width), count: 0 }));
  for (const result of results) {
    if (result.status !== "done") continue;
    const gain = result.loop.sgIoU - result.oneShot.sgIoU;
    const index = Math.min(bins - 1, Math.max(0, Math.floor((gain + 1) / width + 1e-9)));
    histogram[index]!.count += 1;
  }
  return histogram;
}

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

export interface ItemRow {
  index: number;
  itemId: string;
  prompt: string;
  runId: string;
  status: string;
  oneShot: number | null;
  loop: number | null;
  gain: number | null;
  iterations: number | null;
  judge: number | null;
}

export type ItemSortKey = "index" | "oneShot" | "loop" | "gain" | "iterations" | "judge";

export function itemRows(items: ReadonlyArray<{ index: number; itemId: string; prompt: string; runId: string; status: string; result: EvaluationItemResult | null }>): ItemRow[] {
  return items.map((item) => {
    const done = item.result?.status === "done" ? item.result : null;
    return {
      index: item.index,
      itemId: item.itemId,
      prompt: item.prompt,
      runId: item.runId,
      status: item.status,
      oneShot: done?.oneShot.sgIoU ?? null,
      loop: done?.loop.sgIoU ?? null,
      gain: done ? done.loop.sgIoU - done.oneShot.sgIoU : null,
      iterations: done?.iterations ?? null,
      judge: done?.loop.judge ?? null,
    };
  });
}

/** Sorted copy; rows without a value go last in both directions, ties keep index order. */
export function sortItemRows(rows: readonly ItemRow[], key: ItemSortKey, direction: "asc" | "desc"): ItemRow[] {
  const sign = direction === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === null || y === null) return x === y ? a.index - b.index : x === null ? 1 : -1;
    return (x - y) * sign || a.index - b.index;
  });
}
