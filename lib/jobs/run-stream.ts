import "server-only";
import { getRunDetail, getRunSummary } from "../db/runs";
import { AppError } from "../errors";
import { finishedStatuses, type RunStatus, type RunStreamEvent } from "../schemas/run";
import { subscribeRunEvents, subscribeRunHints } from "./event-bus";

/** How often the stream sends a heartbeat comment and re-checks the database. */
export const STREAM_TICK_MS = 5000;

/**
 * A run's live events as server-sent events (`event: <type>` + `data: <RunStreamEvent JSON>`):
 * first a `snapshot` from the database (so a reload or a late viewer sees everything), then the
 * worker's `backends`, `iteration`, `progress` (live only, throttled by the worker) and `status`
 * events from the in-process bus, without duplicates. The
 * stream closes after a finished status (succeeded, failed, cancelled), or at once after the
 * snapshot of a finished run. Every tick it sends a heartbeat comment and re-reads the run's
 * summary, so it also catches up with a worker in another process. Throws not_found:run.
 */
export async function openRunEventStream(runId: string, signal?: AbortSignal, tickMs = STREAM_TICK_MS): Promise<ReadableStream<Uint8Array>> {
  // Subscribe before reading the snapshot, so nothing that lands in between is lost.
  const early: RunStreamEvent[] = [];
  let deliver: ((event: RunStreamEvent) => void) | undefined;
  const unsubscribe = subscribeRunEvents(runId, (event) => (deliver ? deliver(event) : early.push(event)));
  let snapshot;
  try {
    snapshot = await getRunDetail(runId);
  } catch (error) {
    unsubscribe();
    throw error;
  }
  if (!snapshot) {
    unsubscribe();
    throw new AppError("not_found:run", `no run with id "${runId}"`);
  }
  const run = snapshot;
  const encoder = new TextEncoder();
  let closed = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let cleanup = () => {};

  return new ReadableStream<Uint8Array>({
    start(controller) {
      let lastIndex = run.iterations.length - 1;
      let lastStatus: RunStatus = run.status;
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const close = () => {
        if (closed) return;
        closed = true;
        cleanup();
        controller.close();
      };
      cleanup = () => {
        unsubscribe();
        if (timer) clearInterval(timer);
        signal?.removeEventListener("abort", close);
      };
      const send = (event: RunStreamEvent) => write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      deliver = (event) => {
        if (closed) return;
        if (event.type === "iteration") {
          if (event.iteration.index <= lastIndex) return;
          lastIndex = event.iteration.index;
        }
        // Progress of an iteration already delivered is stale (the throttle may trail its end).
        if (event.type === "progress" && event.iteration <= lastIndex) return;
        if (event.type === "status") lastStatus = event.status;
        send(event);
        if (event.type === "status" && finishedStatuses.includes(event.status)) close();
      };

      write("retry: 2000\n\n");
      send({ type: "snapshot", run });
      if (finishedStatuses.includes(run.status)) return close();
      for (const event of early.splice(0)) deliver(event);
      if (closed) return;
      signal?.addEventListener("abort", close);
      if (signal?.aborted) return close();

      timer = setInterval(() => {
        write(": heartbeat\n\n");
        void catchUp().catch(() => {});
      }, tickMs);
      // Another process (a worker elsewhere, on PostgreSQL) committed something: read it now.
      const unsubscribeHints = subscribeRunHints(runId, () => void catchUp().catch(() => {}));
      const previousCleanup = cleanup;
      cleanup = () => {
        unsubscribeHints();
        previousCleanup();
      };

      async function catchUp() {
        const summary = await getRunSummary(runId);
        if (closed || !summary) return;
        if (summary.iterationCount - 1 > lastIndex) {
          const detail = await getRunDetail(runId);
          for (const iteration of detail?.iterations ?? []) deliver?.({ type: "iteration", iteration });
        }
        if (summary.status !== lastStatus) {
          const detail = await getRunDetail(runId);
          if (detail) deliver?.({ type: "status", status: detail.status, error: detail.error, stopReason: detail.stopReason });
        }
      }
    },
    cancel() {
      closed = true;
      cleanup();
    },
  });
}
