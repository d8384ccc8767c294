import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { editorCheckpoint, loadActorPolicy, loadEditorPolicy } from "./checkpoint";
import { defaultEditorTrainingConfig, editorRolloutGroup, trainEditor, type EditorRolloutRequest } from "./editor-trainer";
import { defaultEditorPolicy, editorFeatureNames } from "../backends/sim/editor-policy";
import { policyVector, defaultActorPolicy } from "../backends/sim/actor";
import { syntheticSceneGraph } from "../backends/sim/synthetic-graphs";

// Graphs with enough objects that the Actor's placement edits have bystanders to disturb.
const graphs = [2001, 2002, 2003, 2004].map((seed) => syntheticSceneGraph(seed, { minObjects: 5, maxObjects: 8, attributeRate: 0.7 }));
const small = { ...defaultEditorTrainingConfig, steps: 2, statesPerStep: 6, groupSize: 6 };
const feature = (name: (typeof editorFeatureNames)[number]) => editorFeatureNames.indexOf(name);

describe("trainEditor", () => {
  it("is reproducible from its seed and moves the placement weights", async () => {
    const first = await trainEditor(graphs, small);
    const again = await trainEditor(graphs, small);
    expect(again.vector).toEqual(first.vector);
    expect(first.vector).not.toEqual(defaultEditorPolicy.weights);
    expect(first.metrics.map((row) => row.step)).toEqual([0, 1]);
    // Its checkpoint loads back as the Editor policy, and is refused as an Actor's.
    const file = path.join(await mkdtemp(path.join(tmpdir(), "rig-editor-")), "checkpoint.json");
    await writeFile(file, JSON.stringify(editorCheckpoint(first.vector, small, graphs, null)));
    expect((await loadEditorPolicy(file)).weights).toEqual(first.vector);
    await expect(loadActorPolicy(file)).rejects.toThrow(/not an Actor checkpoint: kind: it is an Editor checkpoint/);
  });

  it("samples spots of one Editor pool per state, each with its probability and a reward from re-reading the painted image", async () => {
    const request: EditorRolloutRequest = {
      graph: graphs[0]!,
      theta: [...defaultEditorPolicy.weights],
      reference: [...defaultEditorPolicy.weights],
      actor: policyVector(defaultActorPolicy),
      stateSeed: 11,
      edits: 0,
      sampleSeed: 5,
      groupSize: 6,
      reward: defaultEditorTrainingConfig.reward,
      rewardFrom: "scorer",
    };
    const outcome = await editorRolloutGroup(request);
    expect(outcome, "this state has a placement edit with several spots").not.toBeNull();
    expect(outcome!.candidates.length).toBeGreaterThan(1);
    for (const features of outcome!.candidates) expect(features).toHaveLength(editorFeatureNames.length);
    for (const sample of outcome!.samples) {
      expect(sample.action).toBeLessThan(outcome!.candidates.length);
      expect(sample.oldProbability).toBeGreaterThan(0);
      expect(sample.instruction).toMatch(/spot \d+ of \d+/);
    }
    // The same request gives the same group (a queue worker elsewhere computes it alike).
    expect(await editorRolloutGroup(JSON.parse(JSON.stringify(request)) as EditorRolloutRequest)).toEqual(outcome);
  });

  it("follows the reward it is given: rewarding far moves raises the subject-shift weight, penalising them lowers it", async () => {
    const config = { ...small, steps: 3, init: "uniform" as const };
    const start = 0;
    const towards = await trainEditor(graphs, config, { shapeReward: ({ features }) => features[feature("subject-shift")]! });
    const away = await trainEditor(graphs, config, { shapeReward: ({ features }) => -features[feature("subject-shift")]! });
    expect(towards.vector[feature("subject-shift")]).toBeGreaterThan(start);
    expect(away.vector[feature("subject-shift")]).toBeLessThan(start);
  });
});
