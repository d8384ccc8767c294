import { parentPort, workerData } from "node:worker_threads";
import type { DatasetItem } from "../datasets/types";
import { evaluateItem } from "./evaluate-item";
import { evaluationProfiles, isEvaluationProfile, type EvaluationProfileOptions } from "./profiles";
import type { EvaluationItemResult, EvaluationSettings } from "./types";

/**
 * One evaluation worker thread: builds its profile's roles and grader once, then runs one item at a time.
 * Protocol (plain JSON both ways):
 *   in:  { type: "run", item, index, settings }   { type: "abort" }
 *   out: { type: "ready" }   { type: "result", result, busyMs }   (result undefined: the item was aborted)
 *        { type: "fatal", message }   when the roles cannot be built
 */
export type WorkerRequest = { type: "run"; item: DatasetItem; index: number; settings: EvaluationSettings } | { type: "abort" };
export type WorkerResponse =
  | { type: "ready" }
  | { type: "result"; result: EvaluationItemResult | undefined; busyMs: number }
  | { type: "fatal"; message: string };

const port = parentPort!;
const { profile, profileOptions } = workerData as { profile: string; profileOptions?: EvaluationProfileOptions };
const send = (message: WorkerResponse) => port.postMessage(message);

try {
  if (!isEvaluationProfile(profile)) throw new Error(`unknown profile "${profile}"`);
  const { roles, grader } = await evaluationProfiles[profile](profileOptions ?? {});
  let controller: AbortController | undefined;
  port.on("message", async (message: WorkerRequest) => {
    if (message.type === "abort") {
      controller?.abort();
      return;
    }
    controller = new AbortController();
    const started = performance.now();
    const result = await evaluateItem(message.item, message.index, roles, message.settings, { signal: controller.signal, grader });
    controller = undefined;
    send({ type: "result", result, busyMs: performance.now() - started });
  });
  send({ type: "ready" });
} catch (error) {
  send({ type: "fatal", message: error instanceof Error ? error.message : String(error) });
}
