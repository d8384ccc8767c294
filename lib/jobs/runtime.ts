import "server-only";
import { evaluationConcurrency, serverEnv } from "../env";
import { evaluationListener } from "./evaluations";
import type { RunWorker, RunWorkerOptions } from "./worker";
import { setWorkerHandle } from "./worker-handle";

/**
 * The process's one worker, on globalThis (instrumentation and route handlers are separate
 * bundles, and dev reloads modules). Started by instrumentation.ts in the Node.js runtime.
 */
const globalForWorker = globalThis as unknown as { rigWorker?: RunWorker };

export function getRunWorker(): RunWorker | undefined {
  return globalForWorker.rigWorker;
}

/** Starts the worker once per process (no-op when RIG_WORKER=off or already started). */
export async function startRunWorker(options: RunWorkerOptions = {}): Promise<RunWorker | undefined> {
  const env = serverEnv();
  if (env.RIG_WORKER === "off") return undefined;
  if (globalForWorker.rigWorker) return globalForWorker.rigWorker;
  // Loaded here, not at the top: route handlers import this module and need not bundle the sim world.
  const { RunWorker } = await import("./worker");
  if (globalForWorker.rigWorker) return globalForWorker.rigWorker;
  const worker = new RunWorker({
    concurrency: env.RIG_WORKER_CONCURRENCY,
    evaluationConcurrency: evaluationConcurrency(env),
    listener: evaluationListener,
    ...options,
  });
  globalForWorker.rigWorker = worker;
  setWorkerHandle(worker);
  await worker.start();
  return worker;
}

/** Stops and forgets the worker (tests, shutdown). */
export async function stopRunWorker(): Promise<void> {
  const worker = globalForWorker.rigWorker;
  globalForWorker.rigWorker = undefined;
  setWorkerHandle(undefined);
  await worker?.stop();
}
