import type { ReactNode } from "react";
import type { RunDetail } from "@/lib/schemas/run";
import { IoUBadge, RunStatusBadge } from "@/components/status-badge";
import { formatDateTime, formatMs } from "@/lib/viewer/format";
import { RunBackends } from "./run-backends";

export function RunHeader({ run, actions, liveNote }: { run: RunDetail; actions: ReactNode; liveNote: string | null }) {
  const elapsed = run.startedAt && run.finishedAt ? new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime() : null;
  return (
    <header className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          <h1 className="break-words text-xl font-semibold tracking-tight" data-testid="run-prompt">
            {run.prompt.length > 300 ? `${run.prompt.slice(0, 300)}…` : run.prompt}
          </h1>
          <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-700">
            <RunStatusBadge status={run.status} />
            <span data-testid="iteration-count">
              {run.iterationCount} / {run.settings.maxIterations} iterations
            </span>
            <span className="inline-flex items-center gap-1">
              best <IoUBadge value={run.bestSgIoU} label="Best SG-IoU" />
              {run.bestIteration !== null ? <span>(#{run.bestIteration})</span> : null}
            </span>
            {run.stopReason ? <span>stopped: {run.stopReason}</span> : null}
            {elapsed !== null ? <span>took {formatMs(elapsed)}</span> : null}
            <span>created {formatDateTime(run.createdAt)}</span>
            <span className="text-slate-600">
              seed {run.settings.seed} · target {run.settings.targetSgIoU} · patience {run.settings.patience}
            </span>
          </div>
          <div className="mt-1">
            <RunBackends profile={run.settings.profile} backends={run.backends} />
          </div>
          <p aria-live="polite" className="mt-1 text-sm text-blue-800">
            {liveNote}
          </p>
          {run.error ? (
            <p role="alert" className="mt-2 rounded bg-red-50 px-3 py-2 text-sm text-red-800">
              {run.error}
            </p>
          ) : null}
          {run.judgement ? (
            <p className="mt-2 text-sm text-slate-800">
              Judge: <span className="font-semibold">{run.judgement.score}/10</span> on iteration {run.judgement.iteration} — {run.judgement.rationale}
            </p>
          ) : null}
        </div>
        {actions}
      </div>
    </header>
  );
}
