import { createSimRoles } from "../pipeline/backends/sim";
import { subscribeRunEvents } from "./event-bus";
import { RunWorker } from "./worker";

/** Tests only: runs the queued run to its end on a fresh worker over the embedded world. */
export async function executeQueuedRun(runId: string): Promise<void> {
  const done = new Promise<void>((resolve) => {
    const unsubscribe = subscribeRunEvents(runId, (event) => {
      if (event.type === "status" && ["succeeded", "failed", "cancelled"].includes(event.status)) {
        unsubscribe();
        resolve();
      }
    });
  });
  const worker = new RunWorker({ concurrency: 1, pollIntervalMs: 20, createRoles: () => createSimRoles(), log: () => {} });
  await worker.start();
  await done;
  await worker.stop();
}
