"use client";

import Link from "next/link";
import { useState } from "react";
import type { EvaluationItemResult } from "@/lib/pipeline/evaluation/types";
import { formatDelta, formatIoU } from "@/lib/viewer/format";
import { itemRows, sortItemRows, type ItemSortKey } from "@/lib/viewer/eval-stats";

const columns: Array<{ key: ItemSortKey; label: string }> = [
  { key: "index", label: "#" },
  { key: "oneShot", label: "One-shot SG-IoU" },
  { key: "loop", label: "Loop SG-IoU" },
  { key: "gain", label: "Gain" },
  { key: "iterations", label: "Iterations" },
  { key: "judge", label: "Judge (loop)" },
];

type Item = { index: number; itemId: string; prompt: string; runId: string; status: string; result: EvaluationItemResult | null };

/** Every item with its scores; a click on a column header sorts by it; each row links to its run. */
export function EvalItemsTable({ items }: { items: Item[] }) {
  const [sort, setSort] = useState<{ key: ItemSortKey; direction: "asc" | "desc" }>({ key: "index", direction: "asc" });
  const rows = sortItemRows(itemRows(items), sort.key, sort.direction);
  const toggle = (key: ItemSortKey) => setSort((current) => ({ key, direction: current.key === key && current.direction === "asc" ? "desc" : "asc" }));
  return (
    <div className="overflow-x-auto">
      <table data-testid="eval-items" className="w-full text-left text-sm">
        <thead className="text-slate-700">
          <tr>
            {columns.slice(0, 1).map((column) => header(column, sort, toggle))}
            <th scope="col" className="py-1 pr-3">Prompt</th>
            <th scope="col" className="py-1 pr-3">Status</th>
            {columns.slice(1).map((column) => header(column, sort, toggle))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {rows.map((row) => (
            <tr key={row.index} data-testid="eval-item-row">
              <td className="py-1 pr-3 font-mono">{row.index}</td>
              <td className="py-1 pr-3">
                <Link href={`/runs/${row.runId}`} className="text-blue-700 hover:underline" data-testid="eval-item-run">
                  {row.prompt}
                </Link>
              </td>
              <td className="py-1 pr-3 text-slate-700">{row.status}</td>
              <td className="py-1 pr-3 font-mono">{formatIoU(row.oneShot)}</td>
              <td className="py-1 pr-3 font-mono">{formatIoU(row.loop)}</td>
              <td className="py-1 pr-3 font-mono">{row.gain === null ? "—" : formatDelta(row.gain)}</td>
              <td className="py-1 pr-3 font-mono">{row.iterations ?? "—"}</td>
              <td className="py-1 pr-3 font-mono">{row.judge === null ? "—" : row.judge.toFixed(1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function header(column: { key: ItemSortKey; label: string }, sort: { key: ItemSortKey; direction: "asc" | "desc" }, toggle: (key: ItemSortKey) => void) {
  const active = sort.key === column.key;
  return (
    <th key={column.key} scope="col" className="py-1 pr-3" aria-sort={active ? (sort.direction === "asc" ? "ascending" : "descending") : "none"}>
      <button type="button" onClick={() => toggle(column.key)} className="font-semibold hover:text-blue-700" data-testid={`sort-${column.key}`}>
        {column.label}
        {active ? (sort.direction === "asc" ? " ▲" : " ▼") : ""}
      </button>
    </th>
  );
}
