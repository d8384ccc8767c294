import type { RunStreamEvent } from "../schemas/run";

/**
 * In-process publish/subscribe of run events (`iteration`, `status`), fed by the worker and read
 * by GET /api/runs/[id]/events. Lives on globalThis because Next bundles instrumentation (where
 * the worker runs) and each route handler separately: module state would not be shared.
 */
type Listener = (event: RunStreamEvent) => void;

const globalForBus = globalThis as unknown as { rigRunEvents?: Map<string, Set<Listener>> };

function listeners(): Map<string, Set<Listener>> {
  globalForBus.rigRunEvents ??= new Map();
  return globalForBus.rigRunEvents;
}

export function publishRunEvent(runId: string, event: RunStreamEvent): void {
  for (const listener of [...(listeners().get(runId) ?? [])]) {
    try {
      listener(event);
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
