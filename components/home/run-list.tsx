"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useId, useState } from "react";
import { IoUBadge, RunStatusBadge } from "@/components/status-badge";
import { formatDateTime } from "@/lib/viewer/format";
import { runQueries } from "@/lib/viewer/run-queries";
import { isLive } from "@/lib/viewer/run-stream";
import { imageUrl } from "@/lib/viewer/trajectory-export";

const PAGE_SIZE = 10;

export function RunList() {
  const id = useId();
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(1);
  const query = useDeferredValue(search);
  const runs = useQuery({
    ...runQueries.list({ query, page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
    refetchInterval: (current) => (current.state.data?.runs.some((run) => isLive(run.status)) ? 2_000 : false),
  });
  const total = runs.data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <section aria-labelledby={`${id}-title`} className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          Runs
        </h2>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-search`} className="text-sm font-medium text-slate-800">
            Search prompts
          </label>
          <input
            id={`${id}-search`}
            type="search"
            data-testid="run-search"
            value={search}
            onChange={(event) => {
              setSearch(event.target.value);
              setPage(1);
            }}
            className="w-64 rounded border border-slate-300 px-2 py-1"
          />
        </div>
      </div>

      {runs.isError ? (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          Could not load the runs: {runs.error.message}
        </p>
      ) : null}
      {runs.isPending ? <p className="text-sm text-slate-600">Loading runs…</p> : null}
      {runs.data && runs.data.runs.length === 0 ? <p className="text-sm text-slate-600">{query ? "No run matches." : "No runs yet: start one above."}</p> : null}

      {runs.data && runs.data.runs.length > 0 ? (
        <ul data-testid="run-list" className="divide-y divide-slate-200">
          {runs.data.runs.map((run) => (
            <li key={run.id} data-testid="run-row" className="flex items-center gap-3 py-2">
              <div className="h-14 w-14 shrink-0 overflow-hidden rounded bg-slate-100">
                {run.bestImageId ? (
                  <img src={imageUrl(run.bestImageId, "thumb")} alt="" width={56} height={56} loading="lazy" className="h-14 w-14 object-cover" />
                ) : null}
              </div>
              <div className="min-w-0 flex-1">
                <Link href={`/runs/${encodeURIComponent(run.id)}`} className="block truncate font-medium text-blue-800 hover:underline">
                  {run.prompt}
                </Link>
                <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
                  <RunStatusBadge status={run.status} />
                  <span>
                    {run.iterationCount} iteration{run.iterationCount === 1 ? "" : "s"}
                  </span>
                  <span>{formatDateTime(run.createdAt)}</span>
                </div>
              </div>
              <div className="flex flex-col items-end gap-1 text-xs text-slate-600">
                <span>best</span>
                <IoUBadge value={run.bestSgIoU} label="Best SG-IoU" />
              </div>
            </li>
          ))}
        </ul>
      ) : null}

      <nav aria-label="Run pages" className="flex items-center justify-between text-sm">
        <button type="button" onClick={() => setPage((current) => Math.max(1, current - 1))} disabled={page <= 1} className="rounded border border-slate-300 px-3 py-1 disabled:opacity-50">
          Previous
        </button>
        <span aria-live="polite">
          Page {page} of {pageCount} · {total} run{total === 1 ? "" : "s"}
        </span>
        <button type="button" onClick={() => setPage((current) => Math.min(pageCount, current + 1))} disabled={page >= pageCount} className="rounded border border-slate-300 px-3 py-1 disabled:opacity-50">
          Next
        </button>
      </nav>
    </section>
  );
}
