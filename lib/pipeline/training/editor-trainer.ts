import { defaultActorPolicy, policyFromVector, policyVector, proposeEdits } from "../backends/sim/actor";
import { SimEditor } from "../backends/sim/editor";
import { defaultEditorPolicy, editorFeatureNames, editorPolicyFromVector } from "../backends/sim/editor-policy";
import { withSceneContext } from "../backends/sim/instructions";
import { createRng } from "../backends/sim/random";
import { SimOracleScorer } from "../backends/sim/scorer";
import { deriveSeed, fmix32 } from "../loop/seeds";
import type { Checker } from "../roles/types";
import type { SceneGraph } from "../scene-graph/schema";
import { defaultActorTrainingConfig, rewardOf, type RewardWeights, type RolloutState } from "./actor-trainer";
import { policyProbabilities } from "./grpo";
import { drawState, inOrder, sampleIndex, trainWithGroups, type GroupOutcome, type GrpoHooks, type GrpoSchedule, type StepMetrics } from "./grpo-trainer";
import { readWith, rolloutWorld, stateFrom } from "./loop-states";

/**
 * Reflection-GRPO for the embedded world's Editor: its placement policy (sim/editor-policy.ts), a
 * linear softmax over the valid spots it finds for an object. The paper trains the Actor and the
 * Editor in separate phases; this is the Editor's phase, with the Actor fixed. Each state:
 *   1. A real loop run (the given Actor and the current Editor policy, both greedy) for 0-2 edits;
 *      the Actor's likeliest placement edit (an add or a move) of its critique is the instruction.
 *   2. The Editor reads the image and gathers its candidate spots for that instruction (a fixed
 *      pool per state: the spots depend on the image, the instruction and the seed, not on the
 *      policy). G spots are sampled from the current policy; each is painted, re-read and
 *      rewarded like the Actor's edits (`rewardOf`: SG-IoU gain, Entity-IoU gain, broken triples).
 *   3. The shared GRPO update (grpo-trainer.ts).
 * The Editor sees only the image and the instruction; the reward reader (the Checker by default,
 * or the oracle Scorer) sees the target, as in the loop.
 */
export interface EditorTrainingConfig extends GrpoSchedule {
  groupSize: number;
  reward: RewardWeights;
  rewardFrom: "checker" | "scorer";
  /** The policy training starts from, and the KL reference. */
  init: "uniform" | "heuristic" | { vector: number[] };
  /** The Actor policy's parameters (fixed while the Editor trains). */
  actor: number[];
}

export const defaultEditorTrainingConfig: EditorTrainingConfig = {
  steps: 30,
  groupSize: 8,
  statesPerStep: 8,
  innerUpdates: 2,
  // The hand-tuned weights are tens (-33 per image width of shift), so steps are larger than the Actor's.
  learningRate: 1,
  seed: 1,
  grpo: defaultActorTrainingConfig.grpo,
  reward: defaultActorTrainingConfig.reward,
  rewardFrom: "checker",
  init: "heuristic",
  actor: policyVector(defaultActorPolicy),
};

export type PlacementKind = "add" | "move";

/** One state's placement group, self-contained like the Actor's RolloutRequest (any host computes the same group). */
export interface EditorRolloutRequest {
  graph: SceneGraph;
  theta: number[];
  reference: number[];
  actor: number[];
  stateSeed: number;
  edits: number;
  sampleSeed: number;
  groupSize: number;
  reward: RewardWeights;
  rewardFrom: EditorTrainingConfig["rewardFrom"];
}

export type EditorRolloutOutcome = GroupOutcome<PlacementKind, RolloutState>;

export function initialEditorVector(init: EditorTrainingConfig["init"]): number[] {
  if (init === "uniform") return editorFeatureNames.map(() => 0);
  if (init === "heuristic") return [...defaultEditorPolicy.weights];
  return [...init.vector];
}

/** Builds the state, gathers the Editor's spots for the Actor's placement edit, samples and rewards G of them. */
export async function editorRolloutGroup(request: EditorRolloutRequest): Promise<EditorRolloutOutcome | null> {
  const world = rolloutWorld();
  const actor = policyFromVector(request.actor, { ...defaultActorPolicy, greedy: true });
  const state = await stateFrom(world, { actor, editor: editorPolicyFromVector(request.theta, { ...defaultEditorPolicy, greedy: true }) }, request.graph, request.stateSeed, request.edits);
  if (state.reading.metrics.sgIoU >= 1) return null;
  const placement = proposeEdits({ target: state.target, critique: state.reading.critique, history: state.history }, actor)
    .filter((proposal) => proposal.edit.kind === "add" || proposal.edit.kind === "move")
    .sort((a, b) => b.probability - a.probability)[0];
  if (!placement) return null;
  const instruction = withSceneContext(placement.instruction, state.target.objects.map((object) => object.label));
  const editor = new SimEditor(world.library, world.style, editorPolicyFromVector(request.theta));
  const options = { seed: deriveSeed(state.seed, 100, "editor") };
  const pool = await editor.editWith(state.image, instruction, options, () => 0);
  if (pool.decisions.length !== 1 || pool.decisions[0]!.candidates.length < 2) return null;
  const candidates = pool.decisions[0]!.candidates;
  const old = policyProbabilities(request.theta, candidates);
  const referenceProbabilities = policyProbabilities(request.reference, candidates);
  const reader: Checker = request.rewardFrom === "scorer" ? new SimOracleScorer(world.library) : world.checker;
  const before = request.rewardFrom === "scorer" ? await readWith(reader, state.image, state.target, state.seed) : state.reading;
  // A spot's outcome is deterministic, so each is painted and read once however often it is drawn.
  const outcomes = new Map<number, { reward: number; sgIoUGain: number }>();
  const outcomeOf = async (action: number) => {
    const known = outcomes.get(action);
    if (known) return known;
    const edited = await editor.editWith(state.image, instruction, options, () => action);
    const after = await readWith(reader, edited.image, state.target, state.seed);
    const outcome = { reward: rewardOf(before, { after, followed: true }, request.reward), sgIoUGain: after.metrics.sgIoU - before.metrics.sgIoU };
    outcomes.set(action, outcome);
    return outcome;
  };
  const rng = createRng(request.sampleSeed);
  const samples: EditorRolloutOutcome["samples"] = [];
  for (let sample = 0; sample < request.groupSize; sample++) {
    const action = sampleIndex(old, rng);
    samples.push({
      action,
      ...(await outcomeOf(action)),
      oldProbability: old[action]!,
      referenceProbability: referenceProbabilities[action]!,
      instruction: `${placement.instruction} (spot ${action + 1} of ${candidates.length})`,
      kind: placement.edit.kind as PlacementKind,
    });
  }
  return { candidates, samples, state: { target: state.target, image: state.image, critique: state.reading.critique, history: state.history, sgIoU: before.metrics.sgIoU, seed: state.seed } };
}

export async function trainEditor(
  graphs: readonly SceneGraph[],
  config: EditorTrainingConfig = defaultEditorTrainingConfig,
  hooks: GrpoHooks<PlacementKind, RolloutState> & { rollouts?: (requests: readonly EditorRolloutRequest[]) => Promise<(EditorRolloutOutcome | null)[]> } = {},
): Promise<{ vector: number[]; metrics: StepMetrics[] }> {
  if (graphs.length === 0) throw new RangeError("training needs at least one scene graph");
  const reference = initialEditorVector(config.init);
  return trainWithGroups(
    reference,
    config,
    (draw) => {
      const { graph, stateSeed, edits } = drawState(graphs, config.seed, draw);
      return {
        graph,
        theta: [...draw.theta],
        reference,
        actor: config.actor,
        stateSeed,
        edits,
        sampleSeed: fmix32((stateSeed ^ 0x85ebca6b) >>> 0),
        groupSize: config.groupSize,
        reward: config.reward,
        rewardFrom: config.rewardFrom,
      };
    },
    hooks.rollouts ?? inOrder(editorRolloutGroup),
    hooks,
  );
}
