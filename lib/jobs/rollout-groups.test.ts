import { describe, expect, it } from "vitest";
import { getRunTree } from "../db/branches";
import { db } from "../db/client";
import { createRun, getRunDetail } from "../db/runs";
import { useTestDatabase } from "../db/test-support";
import { parseSceneGraphInput } from "../pipeline/scene-graph/parse-input";
import { runSettingsSchema } from "../schemas/run";
import { getRolloutGroups, submitRolloutGroup } from "./rollout-groups";
import { executeQueuedRun } from "./test-support";

useTestDatabase();

const PROMPT = "a red cup left of a laptop; laptop on a desk; a cat under the desk; a dog right of the cat";

async function finishedRun() {
  const { id } = await createRun({ input: PROMPT, prompt: PROMPT, target: parseSceneGraphInput(PROMPT), settings: runSettingsSchema.parse({ seed: 2, maxIterations: 3, patience: 3 }) });
  await executeQueuedRun(id);
  return (await getRunDetail(id))!;
}

async function executeAll(ids: readonly string[]) {
  for (const id of ids) if ((await getRunDetail(id))!.status === "queued") await executeQueuedRun(id);
}

describe("rollout groups", () => {
  it("opens the policy's most probable candidate edits of a state as sibling branches, and rewards each with the trainer's reward", async () => {
    const run = await finishedRun();
    expect(run.iterations[0]!.metrics.sgIoU).toBeLessThan(1);
    const { group, branchIds } = await submitRolloutGroup(run.id, { iteration: 0, groupSize: 4 });
    expect(branchIds.length).toBeGreaterThanOrEqual(2);
    expect(branchIds.length).toBeLessThanOrEqual(4);

    const pending = (await getRolloutGroups(run.id)).groups;
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ group, parentRunId: run.id, forkIndex: 0, policy: "heuristic", stateSgIoU: run.iterations[0]!.metrics.sgIoU });
    expect(pending[0]!.samples.every((sample) => sample.reward === null && sample.advantage === null && sample.status === "queued")).toBe(true);
    const probabilities = pending[0]!.samples.map((sample) => sample.probability);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    expect(probabilities.reduce((sum, p) => sum + p, 0)).toBeLessThanOrEqual(1 + 1e-9);
    expect(new Set(pending[0]!.samples.map((sample) => sample.instruction)).size).toBe(branchIds.length);

    await executeAll(branchIds);
    const [done] = (await getRolloutGroups(run.id)).groups;
    for (const sample of done!.samples) {
      const branch = (await getRunDetail(sample.runId))!;
      expect(branch.status).toBe("succeeded");
      // One edit each: the candidate's instruction, then the run stops (budget 1).
      expect(branch.iterations.map((iteration) => iteration.instruction?.length ?? 0)).toHaveLength(2);
      expect(branch.iterations[1]!.instruction).toBe(sample.instruction);
      expect(sample.sgIoU).toBe(branch.iterations[1]!.metrics.sgIoU);
      expect(sample.reward).not.toBeNull();
    }
    const rewards = done!.samples.map((sample) => sample.reward!);
    const advantages = done!.samples.map((sample) => sample.advantage!);
    expect(Math.abs(advantages.reduce((sum, a) => sum + a, 0))).toBeLessThan(1e-9);
    // Advantages order the candidates as their rewards do.
    const best = rewards.indexOf(Math.max(...rewards));
    expect(advantages[best]).toBe(Math.max(...advantages));
    // They are ordinary branches of the tree.
    expect((await getRunTree(run.id))!.nodes).toHaveLength(1 + branchIds.length);
  });

  it("refuses a state it cannot weigh, with a message, and stores nothing", async () => {
    const run = await finishedRun();
    const before = await db().run.count();
    await expect(submitRolloutGroup(run.id, { iteration: 9 })).rejects.toMatchObject({ code: "bad_request:iteration" });
    await expect(submitRolloutGroup(run.id, { iteration: 0, groupSize: 1 })).rejects.toMatchObject({ code: "bad_request:groupSize" });
    await expect(submitRolloutGroup(run.id, { iteration: 0, extra: true })).rejects.toMatchObject({ code: "bad_request:body" });
    await expect(submitRolloutGroup("c".repeat(25), { iteration: 0 })).rejects.toMatchObject({ code: "not_found:run" });
    expect(await db().run.count()).toBe(before);
  });
});
