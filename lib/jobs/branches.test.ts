import { describe, expect, it } from "vitest";
import { getRunTree } from "../db/branches";
import { db } from "../db/client";
import { createRun, getRunDetail } from "../db/runs";
import { useTestDatabase } from "../db/test-support";
import { createSimRoles } from "../pipeline/backends/sim";
import { parseSceneGraphInput } from "../pipeline/scene-graph/parse-input";
import { runSettingsSchema, type RunStreamEvent } from "../schemas/run";
import { submitBranch } from "./branches";
import { subscribeRunEvents } from "./event-bus";
import { executeQueuedRun } from "./test-support";
import { RunWorker } from "./worker";

useTestDatabase();

const PROMPT = "a red cup left of a blue laptop and a cat under a table";
const INSTRUCTION = "move the cat so it is under the table";

async function finishedParent(settings: Record<string, unknown> = {}) {
  const { id } = await createRun({ input: PROMPT, prompt: PROMPT, target: parseSceneGraphInput(PROMPT), settings: runSettingsSchema.parse({ seed: 3, patience: 5, maxIterations: 4, ...settings }) });
  await executeQueuedRun(id);
  return (await getRunDetail(id))!;
}

function waitFor(runId: string, predicate: (event: RunStreamEvent) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribe = subscribeRunEvents(runId, (event) => {
      if (predicate(event)) {
        unsubscribe();
        resolve();
      }
    });
  });
}

async function runCount() {
  return db().run.count();
}

describe("branches", () => {
  it("forks at an iteration with a person's instruction: the branch starts with the parent's iterations and applies the instruction next", async () => {
    const parent = await finishedParent();
    const { id } = await submitBranch(parent.id, { iteration: 1, steer: { instruction: INSTRUCTION }, budget: 2 });
    expect((await getRunDetail(id))!.status).toBe("queued");
    await executeQueuedRun(id);
    const branch = (await getRunDetail(id))!;
    expect(branch.status).toBe("succeeded");
    expect(branch.lineage).toEqual({ parentRunId: parent.id, forkIndex: 1, rootRunId: parent.id, steer: { instruction: INSTRUCTION } });
    expect(branch.settings).toMatchObject({ seed: 3, patience: 5, maxIterations: 4, profile: "sim" });
    // Iterations 0 and 1 are the parent's (same images, same instructions); 2 is the person's.
    const pick = (run: typeof branch) => run.iterations.slice(0, 2).map(({ imageId, instruction, metrics }) => ({ imageId, instruction, metrics }));
    expect(pick(branch)).toEqual(pick(parent));
    expect(branch.iterations[2]!.instruction).toBe(INSTRUCTION);
    expect(branch.iterations[2]!.durationsMs.actor).toBeUndefined();
    expect(branch.iterations.length).toBeGreaterThanOrEqual(3);
    expect(branch.iterations.length).toBeLessThanOrEqual(4);
    // The parent is untouched.
    expect((await getRunDetail(parent.id))!.iterations).toEqual(parent.iterations);

    const tree = (await getRunTree(id))!;
    expect(tree.rootRunId).toBe(parent.id);
    expect(tree.nodes.map((node) => [node.id, node.parentRunId, node.forkIndex, node.steerLabel])).toEqual([
      [parent.id, null, null, null],
      [id, parent.id, 1, INSTRUCTION],
    ]);
    expect(tree.bestLeafId).toBe(id);
    expect(await getRunTree(parent.id)).toEqual(tree);
  });

  it("forks a branch again, names the same root, and marks the leaf with the best SG-IoU", async () => {
    const parent = await finishedParent({ maxIterations: 2 });
    const first = await submitBranch(parent.id, { iteration: 0, steer: { instruction: "make the cup green" }, budget: 1 });
    await executeQueuedRun(first.id);
    const second = await submitBranch(first.id, { iteration: 1, steer: { instruction: INSTRUCTION }, budget: 1 });
    await executeQueuedRun(second.id);
    const third = await submitBranch(parent.id, { iteration: 1, steer: { instruction: "make the laptop red" }, budget: 1 });
    await executeQueuedRun(third.id);
    const tree = (await getRunTree(parent.id))!;
    expect(tree.nodes.map((node) => node.id)).toEqual([parent.id, first.id, second.id, third.id]);
    expect((await getRunDetail(second.id))!.lineage).toMatchObject({ parentRunId: first.id, rootRunId: parent.id });
    // Leaves are the runs nothing was forked from: second and third.
    const [a, b] = [second, third].map(({ id }) => tree.nodes.find((node) => node.id === id)!);
    expect(tree.bestLeafId).toBe(b!.bestSgIoU! > a!.bestSgIoU! ? b!.id : a!.id);
  });

  it("takes an edited critique, read by the Actor for the branch's first iteration", async () => {
    const parent = await finishedParent({ maxIterations: 2 });
    const critique = { ...parent.iterations[0]!.critique, summary: "the cat is on the table, not under it" };
    const { id } = await submitBranch(parent.id, { iteration: 0, steer: { critique }, budget: 1 });
    await executeQueuedRun(id);
    const branch = (await getRunDetail(id))!;
    expect(branch.status).toBe("succeeded");
    expect(branch.lineage?.steer).toEqual({ critique });
    expect(branch.iterations[1]!.durationsMs.actor).toBeDefined();
    expect((await getRunTree(id))!.nodes[1]!.steerLabel).toBe("edited critique");
  });

  it("resumes a branch after a crash without applying the person's instruction twice", async () => {
    const parent = await finishedParent({ maxIterations: 2 });
    const { id } = await submitBranch(parent.id, { iteration: 0, steer: { instruction: INSTRUCTION }, budget: 3 });
    const roles = createSimRoles();
    const crashed = new RunWorker({ concurrency: 1, pollIntervalMs: 20, createRoles: () => roles, log: () => {} });
    const afterFirst = waitFor(id, (event) => event.type === "iteration" && event.iteration.index === 1).then(() => crashed.abandon());
    await crashed.start();
    await afterFirst;
    await executeQueuedRun(id);
    const branch = (await getRunDetail(id))!;
    expect(branch.status).toBe("succeeded");
    const rows = await db().iteration.findMany({ where: { runId: id }, select: { index: true, instruction: true } });
    expect(rows.map((row) => row.index).sort((a, b) => a - b)).toEqual(branch.iterations.map((iteration) => iteration.index));
    expect(rows.filter((row) => row.instruction === INSTRUCTION)).toHaveLength(1);
    expect(branch.iterations[1]!.instruction).toBe(INSTRUCTION);
  });

  it("refuses a fork it cannot make with a message that says why, and stores nothing", async () => {
    const parent = await finishedParent({ maxIterations: 2 });
    const before = await runCount();
    const cases: Array<[unknown, RegExp, string]> = [
      [{ iteration: 5, steer: { instruction: "x" } }, /there is no iteration 5 to branch from/, "bad_request:iteration"],
      [{ iteration: 0, steer: { instruction: "   " } }, /steer.*instruction is empty/, "bad_request:steer"],
      [{ iteration: 0, steer: { instruction: "x", critique: parent.iterations[0]!.critique } }, /either/, "bad_request:steer"],
      [{ iteration: 0, steer: { instruction: "x" }, budget: 20 }, /budget/, "bad_request:budget"],
      [{ iteration: 0, steer: { instruction: "x" }, settings: { maxIterations: 3 } }, /maxIterations/, "bad_request:settings"],
      [{ iteration: 0, steer: { instruction: "x" }, settings: { profile: "nope" } }, /unknown profile "nope"/, "bad_request:profile"],
      [{ iteration: 0, steer: { instruction: "x" }, settings: { actorPolicy: "missing-checkpoint" } }, /no policy "missing-checkpoint"/, "bad_request:settings"],
    ];
    for (const [body, message, code] of cases) {
      await expect(submitBranch(parent.id, body), JSON.stringify(body)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    }
    await expect(submitBranch("c".repeat(25), { iteration: 0, steer: { instruction: "x" } })).rejects.toMatchObject({ code: "not_found:run" });
    expect(await runCount()).toBe(before);
  });
});
