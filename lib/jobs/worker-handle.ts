/**
 * The process's run worker as the rest of the app sees it: something to wake when a run is queued
 * and to ask to cancel a run it executes. It lives on globalThis (instrumentation and route
 * handlers are separate bundles) and is set by runtime.ts, so that runs.ts and evaluations.ts
 * never import the worker, and the worker can import them without a cycle.
 */
export interface WorkerHandle {
  wake(): void;
  /** True when this process's worker was executing the run and has aborted it. */
  cancel(runId: string): Promise<boolean>;
}

const globalForHandle = globalThis as unknown as { rigWorkerHandle?: WorkerHandle };

export function setWorkerHandle(handle: WorkerHandle | undefined): void {
  globalForHandle.rigWorkerHandle = handle;
}

export function workerHandle(): WorkerHandle | undefined {
  return globalForHandle.rigWorkerHandle;
}

/** Tells the worker a run was queued, so an idle slot takes it now rather than at its next poll. */
export function notifyRunQueued(): void {
  globalForHandle.rigWorkerHandle?.wake();
}
