import { describe, expect, it } from "vitest";
import { capabilityCatalogue } from "../backends/capabilities";
import { createSimRoles } from "../backends/sim";
import { importDataset } from "../datasets";
import { evaluate, type EvaluationProgress } from "./evaluate";
import { itemSeed } from "./evaluate-item";
import type { EvaluationItemResult } from "./types";

const { items } = importDataset(
  ["a photo of a dog right of a teddy bear", "a red cup left of a laptop", "a bee on the top of a chair", "a cat near a bench"].join("\n"),
  "text",
);
const simRoles = createSimRoles();
const numbers = (results: EvaluationItemResult[]) =>
  results.map((result) => (result.status === "done" ? [result.id, result.seed, result.oneShot, result.loop, result.sgIoUPerIteration] : [result.id, result.error]));

describe("evaluate", () => {
  it("records one-shot and loop scores, judge, GenEval verdict, seeds and role times for every item", async () => {
    const progress: EvaluationProgress[] = [];
    const run = await evaluate(items, { createRoles: () => simRoles, seed: 7, concurrency: 2, onProgress: (event) => progress.push(event) });
    expect(run.results.map((result) => result.id)).toEqual(items.map((item) => item.id));
    expect(run.cancelled).toBe(false);
    for (const [index, result] of run.results.entries()) {
      expect(result.status).toBe("done");
      if (result.status !== "done") continue;
      expect(result.seed).toBe(itemSeed(7, index));
      expect(result.loop.sgIoU).toBeGreaterThanOrEqual(result.oneShot.sgIoU);
      expect(result.loop.sgIoU).toBe(Math.max(...result.sgIoUPerIteration));
      expect(result.iterations).toBe(result.sgIoUPerIteration.length);
      expect(result.oneShot.judge).toBeGreaterThanOrEqual(1);
      expect(result.loop.judge).toBeLessThanOrEqual(10);
      expect(result.timeMs.diffuser).toBeGreaterThan(0);
      expect(result.timeMs.judge).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    }
    // "near" is not a GenEval position relation; the other three are.
    expect(run.results.map((result) => (result.status === "done" ? result.loop.genevalPosition !== null : undefined))).toEqual([true, true, true, false]);
    expect(progress.map((event) => event.done)).toEqual([1, 2, 3, 4]);
    expect(progress.at(-1)).toMatchObject({ total: 4, failed: 0, etaMs: 0 });
  });

  it("gives the same numbers for the same seed, whatever the concurrency, and skips finished items on resume", async () => {
    const one = await evaluate(items, { createRoles: () => simRoles, seed: 3, concurrency: 1 });
    const three = await evaluate(items, { createRoles: () => simRoles, seed: 3, concurrency: 3 });
    expect(numbers(three.results)).toEqual(numbers(one.results));
    const resumed = await evaluate(items, { createRoles: () => simRoles, seed: 3, skip: [items[0]!.id, items[2]!.id] });
    expect(resumed.skipped).toBe(2);
    expect(numbers(resumed.results)).toEqual(numbers([one.results[1]!, one.results[3]!]));
  });

  it("hands the back ends' capabilities to the loop and the Judge: seed warnings on the item, the same numbers", async () => {
    const plain = await evaluate(items.slice(0, 1), { createRoles: () => simRoles, seed: 3, settings: { maxIterations: 2 } });
    const vlm = capabilityCatalogue["openai-compatible"];
    const withCapabilities = await evaluate(items.slice(0, 1), {
      createRoles: () => simRoles,
      capabilities: { diffuser: capabilityCatalogue["openai-images"], judge: vlm },
      seed: 3,
      settings: { maxIterations: 2 },
    });
    expect(numbers(withCapabilities.results)).toEqual(numbers(plain.results));
    const result = withCapabilities.results[0]!;
    expect(result.status === "done" ? result.warnings : []).toEqual(
      expect.arrayContaining([
        "iteration 0: diffuser: sim does not honour seeds; replaying this iteration may give another image",
        "judge: sim does not honour seeds; replaying this judgement may give another score",
      ]),
    );
    expect(plain.results[0]!.status === "done" && plain.results[0]!.warnings.some((warning) => warning.includes("seeds"))).toBe(false);
  });

  it("runs items on worker threads with the same results as in this thread", async () => {
    const inThread = await evaluate(items.slice(0, 2), { createRoles: () => simRoles, seed: 5 });
    const threads = await evaluate(items.slice(0, 2), { profile: "sim", seed: 5, concurrency: 2 });
    expect(numbers(threads.results)).toEqual(numbers(inThread.results));
    expect(threads.slots).toHaveLength(2);
    expect(threads.slots.reduce((sum, slot) => sum + slot.items, 0)).toBe(2);
  });

  it("stops when the signal aborts: finished items are kept, unfinished ones are left for resume", async () => {
    const controller = new AbortController();
    const run = await evaluate(items, {
      createRoles: () => simRoles,
      concurrency: 1,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(run.cancelled).toBe(true);
    expect(run.results).toHaveLength(1);
  });

  it("records a role failure as a failed item and goes on", async () => {
    const failing = { ...simRoles, diffuser: { name: "broken", generate: () => Promise.reject(new Error("server on fire")) } };
    const run = await evaluate(items.slice(0, 2), { createRoles: () => failing });
    expect(run.results.map((result) => result.status)).toEqual(["failed", "failed"]);
    expect(run.results[0]).toMatchObject({ error: "server on fire" });
  });
});
