import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getRunDetail } from "../db/runs";
import { useTestDatabase } from "../db/test-support";
import { policyVector, defaultActorPolicy } from "../pipeline/backends/sim/actor";
import { syntheticSceneGraph } from "../pipeline/backends/sim/synthetic-graphs";
import { defaultActorTrainingConfig } from "../pipeline/training/actor-trainer";
import { actorCheckpoint, editorCheckpoint } from "../pipeline/training/checkpoint";
import { defaultEditorTrainingConfig } from "../pipeline/training/editor-trainer";
import { listRolePolicies } from "./role-policies";
import { submitRun } from "./runs";
import { executeQueuedRun } from "./test-support";

useTestDatabase();

let folder = "";
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), "rig-checkpoints-"));
  process.env.RIG_CHECKPOINTS = folder;
  const checkpoint = JSON.stringify(actorCheckpoint(policyVector(defaultActorPolicy).map((value) => value * 2), defaultActorTrainingConfig, [syntheticSceneGraph(1)], null));
  writeFileSync(path.join(folder, "sharper.json"), checkpoint);
  mkdirSync(path.join(folder, "run-7"));
  writeFileSync(path.join(folder, "run-7", "checkpoint.json"), checkpoint);
  writeFileSync(path.join(folder, "notes.txt"), "not a checkpoint");
  // An Editor checkpoint that avoids flipping the relations of bystanders.
  writeFileSync(path.join(folder, "careful-editor.json"), JSON.stringify(editorCheckpoint([-33, -33, 0, -10, 0], defaultEditorTrainingConfig, [syntheticSceneGraph(1)], null)));
});
afterAll(() => {
  delete process.env.RIG_CHECKPOINTS;
  rmSync(folder, { recursive: true, force: true });
});

describe("settings.actorPolicy and settings.editorPolicy", () => {
  it("lists the built-in policies and the server's checkpoints by name", () => {
    expect(listRolePolicies("actor")).toEqual(["heuristic", "uniform", "run-7", "sharper"]);
    expect(listRolePolicies("editor")).toEqual(["heuristic", "uniform", "careful-editor"]);
  });

  it("runs the embedded Actor with the chosen checkpoint and records it with the run's back ends", async () => {
    const { id } = await submitRun({ input: "a cat left of a dog", settings: { actorPolicy: "sharper", maxIterations: 3 } });
    await executeQueuedRun(id);
    const run = (await getRunDetail(id))!;
    expect(run.status).toBe("succeeded");
    expect(run.settings.actorPolicy).toBe("sharper");
    expect(run.backends?.roles.actor).toBe("sim (policy sharper)");
  });

  it("refuses a policy the server does not have, naming the field and what there is", async () => {
    await expect(submitRun({ input: "a cat left of a dog", settings: { actorPolicy: "nope" } })).rejects.toMatchObject({
      status: 400,
      message: 'settings.actorPolicy: no policy "nope"; available: heuristic, uniform, run-7, sharper',
    });
    await expect(submitRun({ input: "a cat left of a dog", settings: { actorPolicy: "../etc/passwd" } })).rejects.toMatchObject({ status: 400 });
    // A checkpoint of the other role is not a policy of this one.
    await expect(submitRun({ input: "a cat left of a dog", settings: { editorPolicy: "sharper" } })).rejects.toMatchObject({
      status: 400,
      message: 'settings.editorPolicy: no policy "sharper"; available: heuristic, uniform, careful-editor',
    });
  });

  it("runs the embedded Editor with the chosen placement checkpoint (settings.editorPolicy)", async () => {
    const { id } = await submitRun({ input: "a cat left of a dog", settings: { editorPolicy: "careful-editor", maxIterations: 3 } });
    await executeQueuedRun(id);
    const run = (await getRunDetail(id))!;
    expect(run.status).toBe("succeeded");
    expect(run.settings.editorPolicy).toBe("careful-editor");
    expect(run.backends?.roles.editor).toBe("sim (policy careful-editor)");
  });
});
