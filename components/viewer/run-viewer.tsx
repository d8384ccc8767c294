"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import type { OverlayLayers } from "@/components/canvas/overlay-canvas";
import type { RunDetail } from "@/lib/schemas/run";
import { runQueries } from "@/lib/viewer/run-queries";
import { isLive, laterRun, type LiveRunDetail } from "@/lib/viewer/run-stream";
import { applyKeyDelta, defaultComparison, selectedIteration, timelineKeyDelta } from "@/lib/viewer/timeline";
import { stepAcrossBranches } from "@/lib/viewer/branch-tree";
import { BranchTree } from "./branch-tree";
import { RolloutGroups } from "./rollout-groups";
import { LineageNote } from "./lineage-note";
import { IterationView } from "./iteration-view";
import { RunActions } from "./run-actions";
import { RoleProgress } from "./role-progress";
import { RunHeader } from "./run-header";
import { Timeline } from "./timeline";
import { useIterationParam } from "./use-iteration-param";
import { useRunEvents, type StreamState } from "./use-run-events";

export type RunSource = { kind: "run"; runId: string } | { kind: "share"; token: string };

const POLL_MS = 1_500;

/**
 * The run viewer. For the owner (`kind: "run"`) it follows a live run through the SSE stream and
 * offers Cancel / Share / Revoke; for a share link it is read-only and polls while the run is live.
 * The react-query cache holds the run; the component keeps only UI state (layers, hover, play).
 */
export function RunViewer({ source }: { source: RunSource }) {
  const readOnly = source.kind === "share";
  const queryOptions: { queryKey: readonly string[]; queryFn: (context: { signal?: AbortSignal }) => Promise<RunDetail> } =
    source.kind === "run" ? runQueries.detail(source.runId) : runQueries.shared(source.token);
  const [stream, setStream] = useState<StreamState>("idle");
  // Poll until the stream is open, not only after it errs: an EventSource can sit in "connecting"
  // (a loaded server, a buffering proxy) without ever firing an error, and the viewer would freeze.
  const streamDown = stream !== "open";
  const run = useQuery<RunDetail, Error, RunDetail, readonly string[]>({
    ...queryOptions,
    // A fetch never replaces a copy the stream has already moved further along.
    structuralSharing: (cached, fetched) => laterRun(cached as RunDetail | undefined, fetched as RunDetail),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      // An interrupted run is resumed by the worker at start-up: look again now and then.
      if (status === "interrupted") return 5_000;
      if (!status || !isLive(status)) return false;
      return readOnly || streamDown ? POLL_MS : false;
    },
  });
  const data = run.data;
  const live = data ? isLive(data.status) : false;
  const ownRunId = source.kind === "run" ? source.runId : null;
  useRunEvents(ownRunId ?? "", ownRunId !== null && live, setStream);
  // The owner's view also knows the run's tree (BranchTree shares this query), for [ and ].
  const tree = useQuery({ ...runQueries.tree(ownRunId ?? ""), enabled: ownRunId !== null });
  const router = useRouter();
  const queryClient = useQueryClient();
  const status = run.data?.status;
  const bestSgIoU = run.data?.bestSgIoU;
  // The tree shows this run's status and best too: refresh it whenever they change.
  useEffect(() => {
    if (ownRunId && status) void queryClient.invalidateQueries({ queryKey: runQueries.tree(ownRunId).queryKey });
  }, [ownRunId, status, bestSgIoU, queryClient]);

  const [requested, setRequested] = useIterationParam();
  const [layers, setLayers] = useState<OverlayLayers>({ boxes: true, labels: true, relations: true });
  const [highlightedTriple, setHighlightedTriple] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const [compareWith, setCompareWith] = useState<number | null>(null);

  const count = data?.iterations.length ?? 0;
  const selected = data ? selectedIteration({ requested, count, status: data.status, bestIteration: data.bestIteration }) : null;

  const select = useCallback(
    (index: number) => {
      setHighlightedTriple(null);
      setRequested(index);
    },
    [setRequested],
  );

  useEffect(() => {
    if (selected === null) return;
    function onKeyDown(event: KeyboardEvent) {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName))) return;
      if ((event.key === "[" || event.key === "]") && tree.data && ownRunId) {
        const next = stepAcrossBranches(tree.data, ownRunId, event.key === "]" ? 1 : -1);
        if (next === null) return;
        event.preventDefault();
        setPlaying(false);
        router.push(`/runs/${encodeURIComponent(next)}?i=${selected}`);
        return;
      }
      const delta = timelineKeyDelta(event.key);
      if (delta === null || selected === null) return;
      event.preventDefault();
      setPlaying(false);
      select(applyKeyDelta(selected, count, delta));
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [selected, count, select, tree.data, ownRunId, router]);

  if (run.isPending) return <p className="text-slate-700">Loading the run…</p>;
  if (run.isError || !data) {
    const notFound = (run.error as { status?: number } | null)?.status === 404;
    return (
      <div role="alert" data-testid="viewer-error" className="rounded-lg border border-red-200 bg-red-50 p-4 text-red-900">
        <h1 className="text-lg font-semibold">{readOnly ? "This link does not open a run" : notFound ? "Run not found" : "Could not load the run"}</h1>
        <p className="mt-1">{readOnly && notFound ? "The share link does not exist, was revoked or has expired." : run.error?.message}</p>
        {readOnly ? null : (
          <Link href="/" className="mt-2 inline-block text-blue-800 underline">
            Back to all runs
          </Link>
        )}
      </div>
    );
  }

  const current = selected === null ? undefined : data.iterations[selected];
  const otherIndex = compareWith !== null && compareWith !== selected && compareWith < count ? compareWith : selected === null ? null : defaultComparison(selected, count);
  const other = otherIndex === null ? undefined : data.iterations[otherIndex];
  // Live only: the stream's `progress` events for the iteration in flight (never stored).
  const progress = live ? ((data as LiveRunDetail).progress ?? null) : null;
  const liveNote = live ? (stream === "open" || readOnly || stream === "error" ? `Live: ${count} iteration${count === 1 ? "" : "s"} so far…` : "Connecting to the live stream…") : null;

  return (
    <div className="flex flex-col gap-4" data-testid="run-viewer" data-readonly={readOnly} data-status={data.status} data-stream={stream}>
      {readOnly ? (
        <p className="rounded bg-slate-100 px-3 py-2 text-sm text-slate-700" data-testid="read-only-note">
          A shared, read-only view of a run.
        </p>
      ) : null}
      <RunHeader run={data} liveNote={liveNote} actions={readOnly ? null : <RunActions run={data} />} />
      {data.lineage ? <LineageNote lineage={data.lineage} linkParent={!readOnly} /> : null}
      {readOnly ? null : (
        <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby="branches-title">
          <h2 id="branches-title" className="mb-2 text-base font-semibold">
            Branches
          </h2>
          <BranchTree runId={data.id} iteration={selected} />
          <RolloutGroups runId={data.id} />
        </section>
      )}
      {progress ? <RoleProgress progress={progress} /> : null}
      {current && selected !== null ? (
        <>
          <Timeline iterations={data.iterations} selected={selected} bestIteration={data.bestIteration} playing={playing} onSelect={select} onPlayingChange={setPlaying} forkIndex={data.lineage?.forkIndex ?? null} />
          <p className="sr-only" aria-live="polite" data-testid="current-iteration" data-index={selected}>
            Iteration {selected} of {count - 1}
          </p>
          <IterationView
            run={data}
            iteration={current}
            other={other}
            layers={layers}
            onLayersChange={setLayers}
            highlightedTriple={highlightedTriple}
            onHighlight={setHighlightedTriple}
            onSelect={select}
            onCompareWith={setCompareWith}
            readOnly={readOnly}
            {...(tree.data ? { tree: tree.data } : {})}
          />
        </>
      ) : (
        <p className="rounded-lg border border-slate-200 bg-white p-6 text-slate-700" data-testid="waiting">
          {live ? "The Diffuser is drawing the first image…" : "This run has no iterations."}
        </p>
      )}
    </div>
  );
}
