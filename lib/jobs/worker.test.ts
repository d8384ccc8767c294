import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { createRun, getRunDetail } from "../db/runs";
import { useTestDatabase } from "../db/test-support";
import { createSimRoles } from "../pipeline/backends/sim";
import { parseSceneGraphInput } from "../pipeline/scene-graph/parse-input";
import { runSettingsSchema, type RunStatus, type RunStreamEvent } from "../schemas/run";
import { subscribeRunEvents } from "./event-bus";
import { cancelRun } from "./runs";
import { getRunWorker, startRunWorker, stopRunWorker } from "./runtime";
import { RunWorker } from "./worker";

useTestDatabase();

// Iteration 0 of this prompt misses a relation (SG-IoU 0.5 with seed 1) and one edit fixes it.
const PROMPT = "a red cup left of a blue laptop and a cat under a table";
const sharedRoles = createSimRoles();
const quiet = () => {};

function newWorker() {
  return new RunWorker({ concurrency: 1, pollIntervalMs: 20, createRoles: () => sharedRoles, log: quiet });
}

async function queue(prompt = PROMPT) {
  return createRun({ input: prompt, prompt, target: parseSceneGraphInput(prompt), settings: runSettingsSchema.parse({ seed: 1, patience: 5 }) });
}

function waitFor(runId: string, predicate: (event: RunStreamEvent) => boolean): Promise<RunStreamEvent> {
  return new Promise((resolve) => {
    const unsubscribe = subscribeRunEvents(runId, (event) => {
      if (predicate(event)) {
        unsubscribe();
        resolve(event);
      }
    });
  });
}

const finished = (event: RunStreamEvent) => event.type === "status" && ["succeeded", "failed", "cancelled"].includes(event.status);

describe("run worker", () => {
  it("executes a queued run and persists every iteration as it lands", async () => {
    const { id } = await queue();
    const seen: number[] = [];
    const unsubscribe = subscribeRunEvents(id, (event) => {
      if (event.type === "iteration") seen.push(event.iteration.index);
    });
    const done = waitFor(id, finished);
    const worker = newWorker();
    await worker.start();
    expect(await done).toMatchObject({ status: "succeeded", stopReason: "target-reached" });
    await worker.stop();
    unsubscribe();
    const run = (await getRunDetail(id))!;
    expect(run.iterations.map((iteration) => iteration.index)).toEqual(seen);
    expect(run.iterationCount).toBeGreaterThanOrEqual(2);
    expect(run.bestSgIoU).toBe(1);
    expect(run.judgement).not.toBeNull();
    expect(run.startedAt).not.toBeNull();
  });

  it("marks a run left running by a crash interrupted, then resumes it from its last stored iteration", async () => {
    const { id } = await queue();
    const crashed = newWorker();
    const crashedAfterFirst = waitFor(id, (event) => event.type === "iteration" && event.iteration.index === 0).then(() => crashed.abandon());
    await crashed.start();
    await crashedAfterFirst;
    expect(await getRunDetail(id)).toMatchObject({ status: "running", iterationCount: 1 });

    const statuses: RunStatus[] = [];
    const unsubscribe = subscribeRunEvents(id, (event) => {
      if (event.type === "status") statuses.push(event.status);
    });
    const done = waitFor(id, finished);
    const restarted = newWorker();
    await restarted.start();
    expect((await getRunDetail(id))?.status).not.toBe("queued");
    await done;
    unsubscribe();
    expect(statuses).toEqual(["running", "succeeded"]);
    const resumed = (await getRunDetail(id))!;
    const rows = await db().iteration.findMany({ where: { runId: id }, select: { index: true } });
    expect(rows.map((row) => row.index).sort()).toEqual(resumed.iterations.map((iteration) => iteration.index));
    expect(resumed.iterations.map((iteration) => iteration.index)).toEqual([0, 1]);
    expect((await db().run.findUniqueOrThrow({ where: { id } })).attempts).toBe(2);

    // The resumed run is the run an uninterrupted worker makes from the same seed.
    const reference = await queue();
    const referenceDone = waitFor(reference.id, finished);
    restarted.wake();
    await referenceDone;
    await restarted.stop();
    const uninterrupted = (await getRunDetail(reference.id))!;
    expect(resumed.iterations.map((iteration) => iteration.imageId)).toEqual(uninterrupted.iterations.map((iteration) => iteration.imageId));
    expect(resumed.iterations.map((iteration) => iteration.instruction)).toEqual(uninterrupted.iterations.map((iteration) => iteration.instruction));
    expect(resumed.bestSgIoU).toBe(uninterrupted.bestSgIoU);
  });

  it("cancels a queued run without executing it, and an executing run mid-way keeping what it has", async () => {
    const waiting = await queue();
    expect(await cancelRun(waiting.id)).toBe("cancelled");

    const { id } = await queue();
    process.env.RIG_WORKER = "on";
    process.env.RIG_WORKER_CONCURRENCY = "1";
    const cancelled = waitFor(id, (event) => event.type === "iteration" && event.iteration.index === 0).then(() => cancelRun(id));
    // A slow Actor, so the cancel lands while iteration 1 is in flight.
    const slowActor = {
      name: "slow-actor",
      act: async (...args: Parameters<typeof sharedRoles.actor.act>) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return sharedRoles.actor.act(...args);
      },
    };
    await startRunWorker({ createRoles: () => ({ ...sharedRoles, actor: slowActor }), pollIntervalMs: 20, log: quiet });
    expect(getRunWorker()).toBeDefined();
    expect(await cancelled).toBe("cancelled");
    await stopRunWorker();
    process.env.RIG_WORKER = "off";

    const run = (await getRunDetail(id))!;
    expect(run).toMatchObject({ status: "cancelled", stopReason: "cancelled", iterationCount: 1, bestIteration: 0 });
    expect(await getRunDetail(waiting.id)).toMatchObject({ status: "cancelled", iterationCount: 0, startedAt: null });
    expect(await cancelRun(id)).toBe("cancelled");
  });
});
