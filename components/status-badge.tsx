import type { RunStatus } from "@/lib/schemas/run";
import type { TripleStatus } from "@/lib/pipeline/roles/types";

const runStatusClasses: Record<RunStatus, string> = {
  queued: "bg-slate-100 text-slate-800 ring-slate-300",
  running: "bg-blue-50 text-blue-800 ring-blue-300",
  succeeded: "bg-green-50 text-green-800 ring-green-300",
  failed: "bg-red-50 text-red-800 ring-red-300",
  cancelled: "bg-amber-50 text-amber-900 ring-amber-300",
  interrupted: "bg-purple-50 text-purple-800 ring-purple-300",
};

export function RunStatusBadge({ status, testId = "run-status" }: { status: RunStatus; testId?: string }) {
  return (
    <span data-testid={testId} data-status={status} className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${runStatusClasses[status]}`}>
      {status === "running" ? <span aria-hidden className="h-1.5 w-1.5 animate-pulse rounded-full bg-blue-600" /> : null}
      {status}
    </span>
  );
}

const tripleStatusClasses: Record<TripleStatus, string> = {
  satisfied: "bg-green-50 text-green-800 ring-green-300",
  violated: "bg-red-50 text-red-800 ring-red-300",
  missing: "bg-amber-50 text-amber-900 ring-amber-300",
};

const tripleStatusSymbols: Record<TripleStatus, string> = { satisfied: "✓", violated: "✗", missing: "?" };

export function TripleStatusBadge({ status }: { status: TripleStatus }) {
  return (
    <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${tripleStatusClasses[status]}`}>
      <span aria-hidden>{tripleStatusSymbols[status]}</span>
      {status}
    </span>
  );
}

/** SG-IoU as a small badge, coloured from red (0) to green (1). */
export function IoUBadge({ value, label = "SG-IoU" }: { value: number | null; label?: string }) {
  const tone = value === null ? "bg-slate-100 text-slate-700" : value >= 0.999 ? "bg-green-700 text-white" : value >= 0.5 ? "bg-lime-100 text-lime-900" : "bg-red-100 text-red-900";
  return (
    <span className={`rounded px-1.5 py-0.5 font-mono text-xs ${tone}`} title={label}>
      <span className="sr-only">{label} </span>
      {value === null ? "—" : value.toFixed(2)}
    </span>
  );
}
