"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { IoUBadge, RunStatusBadge } from "@/components/status-badge";
import { formatDateTime } from "@/lib/viewer/format";
import { evalQueries, isEvaluationLive } from "@/lib/viewer/eval-queries";

/** Evaluations newest first: status, progress, mean one-shot and loop SG-IoU; refreshes while any is live. */
export function EvalList() {
  const list = useQuery({ ...evalQueries.list(), refetchInterval: (query) => (query.state.data?.some((row) => isEvaluationLive(row.status)) ? 2_000 : false) });
  return (
    <section aria-labelledby="evals-title" className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="evals-title" className="text-lg font-semibold">
        Evaluations
      </h2>
      {list.isError ? (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          Could not load the evaluations: {list.error.message}
        </p>
      ) : null}
      {list.isPending ? <p className="text-sm text-slate-600">Loading evaluations…</p> : null}
      {list.data?.length === 0 ? <p className="text-sm text-slate-600">No evaluations yet: upload a data set above.</p> : null}
      {list.data && list.data.length > 0 ? (
        <table className="w-full text-left text-sm">
          <thead className="text-slate-700">
            <tr>
              <th scope="col" className="py-1 pr-3">Name</th>
              <th scope="col" className="py-1 pr-3">Status</th>
              <th scope="col" className="py-1 pr-3">Progress</th>
              <th scope="col" className="py-1 pr-3">One-shot SG-IoU</th>
              <th scope="col" className="py-1 pr-3">Loop SG-IoU</th>
              <th scope="col" className="py-1 pr-3">Created</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200">
            {list.data.map((row) => (
              <tr key={row.id} data-testid="eval-row">
                <td className="py-1 pr-3">
                  <Link href={`/evals/${row.id}`} className="font-medium text-blue-700 hover:underline">
                    {row.name}
                  </Link>
                  <span className="ml-2 text-xs text-slate-600">
                    {row.format} · {row.profile}
                  </span>
                </td>
                <td className="py-1 pr-3">
                  <RunStatusBadge status={row.status} />
                </td>
                <td className="py-1 pr-3 font-mono">
                  {row.finished}/{row.itemCount}
                </td>
                <td className="py-1 pr-3">
                  <IoUBadge value={row.oneShotSgIoU} label="One-shot SG-IoU" />
                </td>
                <td className="py-1 pr-3">
                  <IoUBadge value={row.loopSgIoU} label="Loop SG-IoU" />
                </td>
                <td className="py-1 pr-3 text-slate-700">{formatDateTime(row.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
