import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { DatasetItem } from "../datasets/types";
import { defaultLoopSettings, type LoopSettings } from "../loop/types";
import type { RoleCapabilities } from "../loop/capabilities";
import { resolveSettings } from "../loop/engine";
import type { Roles } from "../roles/types";
import { evaluateItem } from "./evaluate-item";
import type { Grader } from "./grade";
import type { EvaluationProfile, EvaluationProfileOptions } from "./profiles";
import type { EvaluationItemResult, EvaluationSettings } from "./types";
import type { WorkerRequest, WorkerResponse } from "./worker";

/**
 * The evaluation scheduler: runs every item through `evaluateItem` on a pool of slots and
 * collects plain-JSON results.
 *
 * Where items run:
 * - `profile` (CPU-bound back ends such as the embedded world): one worker thread per slot, each
 *   building the profile's roles once; items and results cross as JSON. Default slots: one per core.
 * - `createRoles` (I/O-bound back ends, where a call waits on a server): slots are concurrent async
 *   tasks in this thread sharing one set of roles. Default slots: 4.
 *
 * Reproducible: item i's run seed is `itemSeed(seed, i)` with i its position in `items`, so a
 * result does not depend on the slot, the concurrency or which items were skipped.
 * Resumable: items whose id is in `skip` are not run (pass the ids of results already stored).
 * Cancellable: when `signal` aborts, in-flight items are abandoned (they are not finished; run them
 * again on resume), no new item starts, and the promise resolves with what finished and
 * `cancelled: true`. Items finish out of order; results are returned sorted by index.
 */
export interface EvaluateOptions {
  profile?: EvaluationProfile;
  /** Options of `profile`'s factory in each worker thread (plain JSON: e.g. the sim Actor's policy vector). */
  profileOptions?: EvaluationProfileOptions;
  createRoles?: () => Roles | Promise<Roles>;
  /** What the back ends of `createRoles` can do (a resolved profile's `capabilities`); `profile` runs are on the embedded world. */
  capabilities?: RoleCapabilities;
  /** Who grades the figures of `createRoles` runs (backends/scorer.ts resolveScorer); default self-graded. `profile` runs bring their own. */
  grader?: Grader;
  /** Slots: worker threads for `profile`, concurrent items for `createRoles`. */
  concurrency?: number;
  seed?: number;
  settings?: Partial<LoopSettings>;
  signal?: AbortSignal;
  skip?: Iterable<string>;
  onProgress?: (progress: EvaluationProgress) => void;
}

export interface EvaluationProgress {
  done: number;
  failed: number;
  /** Items to run in this call (skipped ones excluded). */
  total: number;
  elapsedMs: number;
  itemsPerSecond: number;
  /** Estimated milliseconds to finish, from the rate so far; undefined before the first item. */
  etaMs: number | undefined;
  result: EvaluationItemResult;
}

export interface EvaluationRun {
  settings: EvaluationSettings;
  results: EvaluationItemResult[];
  skipped: number;
  cancelled: boolean;
  wallMs: number;
  /** Per slot: items it ran and the milliseconds it was busy running them. */
  slots: Array<{ items: number; busyMs: number }>;
}

interface Slot {
  run(item: DatasetItem, index: number): Promise<{ result: EvaluationItemResult | undefined; busyMs: number }>;
  abort(): void;
  close(): Promise<void>;
}

export async function evaluate(items: readonly DatasetItem[], options: EvaluateOptions): Promise<EvaluationRun> {
  const loop = resolveSettings({ seed: options.seed ?? 1, ...defaultLoopSettings, ...options.settings });
  const settings: EvaluationSettings = { ...loop, seed: options.seed ?? 1 };
  if (!options.profile === !options.createRoles) throw new TypeError("evaluate needs exactly one of `profile` and `createRoles`");
  const concurrency = options.concurrency ?? (options.profile ? availableParallelism() : 4);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
  const skip = new Set(options.skip ?? []);
  const queue = items.flatMap((item, index) => (skip.has(item.id) ? [] : [{ item, index }]));
  const signal = options.signal;
  const started = performance.now();
  const results: EvaluationItemResult[] = [];
  const stats = Array.from({ length: Math.min(concurrency, Math.max(queue.length, 1)) }, () => ({ items: 0, busyMs: 0 }));
  let failed = 0;
  let next = 0;

  const slots: Slot[] = options.profile ? await startThreads(stats.length, options.profile, options.profileOptions ?? {}) : inProcessSlots(stats.length, options.createRoles!, settings);
  const onAbort = () => slots.forEach((slot) => slot.abort());
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await Promise.all(
      slots.map(async (slot, slotIndex) => {
        while (!signal?.aborted && next < queue.length) {
          const { item, index } = queue[next++]!;
          const { result, busyMs } = await slot.run(item, index);
          stats[slotIndex]!.busyMs += busyMs;
          if (!result) continue;
          stats[slotIndex]!.items += 1;
          results.push(result);
          if (result.status === "failed") failed += 1;
          const elapsedMs = performance.now() - started;
          const itemsPerSecond = results.length / (elapsedMs / 1000);
          options.onProgress?.({
            done: results.length,
            failed,
            total: queue.length,
            elapsedMs,
            itemsPerSecond,
            etaMs: ((queue.length - results.length) / itemsPerSecond) * 1000,
            result,
          });
        }
      }),
    );
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await Promise.all(slots.map((slot) => slot.close()));
  }
  results.sort((a, b) => a.index - b.index);
  return { settings, results, skipped: items.length - queue.length, cancelled: Boolean(signal?.aborted), wallMs: performance.now() - started, slots: stats };

  function inProcessSlots(count: number, createRoles: () => Roles | Promise<Roles>, itemSettings: EvaluationSettings): Slot[] {
    const roles = Promise.resolve().then(createRoles);
    return Array.from({ length: count }, () => {
      let controller = new AbortController();
      return {
        async run(item, index) {
          controller = new AbortController();
          const forward = () => controller.abort();
          signal?.addEventListener("abort", forward, { once: true });
          const callStarted = performance.now();
          try {
            const result = await evaluateItem(item, index, await roles, itemSettings, {
              signal: controller.signal,
              ...(options.capabilities ? { capabilities: options.capabilities } : {}),
              ...(options.grader ? { grader: options.grader } : {}),
            });
            return { result, busyMs: performance.now() - callStarted };
          } finally {
            signal?.removeEventListener("abort", forward);
          }
        },
        abort: () => controller.abort(),
        close: async () => {},
      };
    });
  }

  /** Start `count` workers; if any fails to start, stop the others and reject. */
  async function startThreads(count: number, profile: EvaluationProfile, profileOptions: EvaluationProfileOptions): Promise<Slot[]> {
    const started = await Promise.allSettled(Array.from({ length: count }, () => threadSlot(profile, profileOptions)));
    const failure = started.find((outcome) => outcome.status === "rejected");
    if (!failure) return started.map((outcome) => (outcome as PromiseFulfilledResult<Slot>).value);
    await Promise.all(started.map((outcome) => (outcome.status === "fulfilled" ? outcome.value.close() : undefined)));
    throw failure.reason;
  }

  function threadSlot(profile: EvaluationProfile, profileOptions: EvaluationProfileOptions): Promise<Slot> {
    const worker = new Worker(new URL("./worker-bootstrap.mjs", import.meta.url), {
      workerData: { entry: new URL("./worker.ts", import.meta.url).href, profile, profileOptions },
    });
    let pending: { resolve: (value: { result: EvaluationItemResult | undefined; busyMs: number }) => void; reject: (error: Error) => void } | undefined;
    let failure: Error | undefined;
    const fail = (error: Error) => {
      failure ??= error;
      pending?.reject(error);
      pending = undefined;
    };
    return new Promise<Slot>((resolveSlot, rejectSlot) => {
      worker.on("error", (error) => {
        fail(error);
        rejectSlot(error);
      });
      worker.on("exit", (code) => fail(new Error(`evaluation worker exited (code ${code})`)));
      worker.on("message", (message: WorkerResponse) => {
        if (message.type === "ready") {
          resolveSlot({
            run(item, index) {
              if (failure) return Promise.reject(failure);
              return new Promise((resolve, reject) => {
                pending = { resolve, reject };
                worker.postMessage({ type: "run", item, index, settings } satisfies WorkerRequest);
              });
            },
            abort: () => worker.postMessage({ type: "abort" } satisfies WorkerRequest),
            close: async () => {
              worker.removeAllListeners("exit");
              await worker.terminate();
            },
          });
        } else if (message.type === "fatal") {
          const error = new Error(`evaluation worker could not start: ${message.message}`);
          fail(error);
          rejectSlot(error);
        } else {
          const current = pending;
          pending = undefined;
          current?.resolve(message);
        }
      });
    });
  }
}
