import type { RunStreamEvent } from "../schemas/run";

/**
 * In-process publish/subscribe of run events (`iteration`, `status`), fed by the worker and read
 * by GET /api/runs/[id]/events. Lives on globalThis because Next bundles instrumentation (where
 * the worker runs) and each route handler separately: module state would not be shared.
 */
type Listener = (event: RunStreamEvent) => void;
type Forwarder = (runId: string, event: RunStreamEvent) => void;

const globalForBus = globalThis as unknown as {
  rigRunEvents?: Map<string, Set<Listener>>;
  rigRunHints?: Map<string, Set<() => void>>;
  /** Set on PostgreSQL (pg-events.ts): sends this process's events to the other processes. */
  rigRemoteRunEvents?: Forwarder;
  rigAllRunEvents?: Set<Forwarder>;
};

function listeners(): Map<string, Set<Listener>> {
  globalForBus.rigRunEvents ??= new Map();
  return globalForBus.rigRunEvents;
}

/** `local`: an event another process sent, not to be forwarded again. */
export function publishRunEvent(runId: string, event: RunStreamEvent, options: { local?: boolean } = {}): void {
  if (!options.local) globalForBus.rigRemoteRunEvents?.(runId, event);
  const forOneRun = [...(listeners().get(runId) ?? [])].map((listener) => () => listener(event));
  const forAllRuns = [...(globalForBus.rigAllRunEvents ?? [])].map((listener) => () => listener(runId, event));
  for (const listener of [...forAllRuns, ...forOneRun]) {
    try {
      listener();
    } catch {
      // One broken subscriber (a closed stream) must not stop the others or the worker.
    }
  }
}

/** Subscribes to one run's events; call the returned function to unsubscribe. */
export function subscribeRunEvents(runId: string, listener: Listener): () => void {
  const map = listeners();
  const set = map.get(runId) ?? new Set<Listener>();
  set.add(listener);
  map.set(runId, set);
  return () => {
    set.delete(listener);
    if (set.size === 0 && map.get(runId) === set) map.delete(runId);
  };
}

export function subscriberCount(runId: string): number {
  return listeners().get(runId)?.size ?? 0;
}

export function setRemoteRunEvents(forwarder: Forwarder | undefined): void {
  globalForBus.rigRemoteRunEvents = forwarder;
}

/** "Something happened to this run in another process; read it from the database." */
export function publishRunHint(runId: string): void {
  for (const hint of [...(globalForBus.rigRunHints?.get(runId) ?? [])]) {
    try {
      hint();
    } catch {
      // As above.
    }
  }
}

export function subscribeRunHints(runId: string, hint: () => void): () => void {
  globalForBus.rigRunHints ??= new Map();
  const map = globalForBus.rigRunHints;
  const set = map.get(runId) ?? new Set<() => void>();
  set.add(hint);
  map.set(runId, set);
  return () => {
    set.delete(hint);
    if (set.size === 0 && map.get(runId) === set) map.delete(runId);
  };
}

/** Every run's events (the worker CLI's log lines). */
export function subscribeAllRunEvents(listener: Forwarder): () => void {
  globalForBus.rigAllRunEvents ??= new Set();
  globalForBus.rigAllRunEvents.add(listener);
  return () => globalForBus.rigAllRunEvents?.delete(listener);
}
