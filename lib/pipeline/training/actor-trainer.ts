import { defaultActorPolicy, policyFromVector, policyVector, proposeEdits, type ActorPolicy, type EditKind, type EditProposal } from "../backends/sim/actor";
import { withSceneContext } from "../backends/sim/instructions";
import { createRng, type Rng } from "../backends/sim/random";
import { SimOracleScorer } from "../backends/sim/scorer";
import type { RasterImage } from "../image/raster";
import { deriveSeed, fmix32 } from "../loop/seeds";
import type { SceneGraphMetrics } from "../metrics/scene-graph-iou";
import type { CheckResult, Checker, Critique } from "../roles/types";
import type { SceneGraph } from "../scene-graph/schema";
import { defaultGrpoSettings, policyProbabilities, type GrpoSettings } from "./grpo";
import { branchOutcome, readWith, rolloutWorld, stateFrom, type LoopState, type SimWorld } from "./loop-states";
import { drawState, inOrder, sampleIndex, trainWithGroups, type GroupOutcome, type GrpoHooks, type StepMetrics, type WeighedGroup } from "./grpo-trainer";

export type { StepMetrics } from "./grpo-trainer";

/**
 * Reflection-GRPO for the embedded world's Actor (its linear-softmax policy over candidate edits,
 * sim/actor.ts). Each step:
 *   1. States from real loop runs (one `RolloutRequest` each, run by the `rollouts` executor): for a few training graphs, the loop runs (current policy,
 *      greedy) for 0-2 edits; its last image, the Checker's critique and the instructions so far
 *      are the state.
 *   2. A group of G candidate instructions per state, sampled from the current policy; each is
 *      applied by the Editor and re-read, and rewarded (`rewardOf`).
 *   3. `innerUpdates` Adam steps on the GRPO objective (grpo.ts) of those groups, the KL measured
 *      against the starting policy.
 * Only images and text cross roles, as in the loop: the Actor sees the critique, the Editor the
 * image and the instruction. The reward is the Checker's re-check by default (what a deployed
 * trainer has); `rewardFrom: "scorer"` uses the world's oracle instead. Every reported result of a
 * trained policy must come from the Scorer on held-out graphs (scripts/bench-train.ts).
 */
export interface RewardWeights {
  /** Weight of the Entity-IoU gain beside the SG-IoU gain. */
  entity: number;
  /** Per target triple that held before the edit and not after (the instruction named a fix, not this damage). */
  damage: number;
  /** When the Editor could not follow the instruction (the image is unchanged). */
  unfollowed: number;
}

export interface ActorTrainingConfig {
  steps: number;
  groupSize: number;
  statesPerStep: number;
  innerUpdates: number;
  learningRate: number;
  seed: number;
  grpo: GrpoSettings;
  reward: RewardWeights;
  rewardFrom: "checker" | "scorer";
  /**
   * 0: an edit's reward is what that one edit changes. N > 0 (multi-step): the loop goes on N more
   * iterations after the edit with the current policy, and the reward compares the state with the
   * best iteration of that branch, so an edit that gains now and costs later scores what it is worth
   * over a run. Each sample then costs N + 1 edits.
   */
  horizon: number;
  /** The policy training starts from, and the KL reference. */
  init: "uniform" | "heuristic" | { vector: number[] };
}

export const defaultActorTrainingConfig: ActorTrainingConfig = {
  steps: 40,
  groupSize: 8,
  statesPerStep: 8,
  innerUpdates: 2,
  learningRate: 0.05,
  seed: 1,
  grpo: defaultGrpoSettings,
  reward: { entity: 0.5, damage: 0.25, unfollowed: 0.1 },
  rewardFrom: "checker",
  horizon: 0,
  init: "heuristic",
};

/**
 * One state's rollout group as the trainer weighed it: the state the Actor saw, and each sampled
 * candidate instruction with its probability under the sampling policy, its reward and its
 * group-normalised advantage. Kept for DPO pairs and for showing why the policy moved.
 */
export type RolloutGroupRecord = WeighedGroup<EditKind, RolloutState>;

export interface RolloutState {
  target: SceneGraph;
  image: RasterImage;
  critique: Critique;
  history: string[];
  sgIoU: number;
  seed: number;
}

export function initialVector(init: ActorTrainingConfig["init"]): number[] {
  if (init === "uniform") return policyVector(defaultActorPolicy).map(() => 0);
  if (init === "heuristic") return policyVector(defaultActorPolicy);
  return [...init.vector];
}


export interface TrainActorHooks extends GrpoHooks<EditKind, RolloutState> {
  /** Where the rollout groups are computed (default: here, in order). */
  rollouts?: RolloutExecutor;
}

/**
 * One state's rollout group, as a self-contained request: everything it depends on travels in it,
 * so the same request gives the same group in this process or on another host (the trainer's
 * `rollouts` executor may send requests to the PostgreSQL queue's workers, lib/jobs/training-queue).
 */
export interface RolloutRequest {
  graph: SceneGraph;
  /** The sampling policy's parameters (the loop that builds the state runs it greedily). */
  theta: number[];
  /** The KL reference policy's parameters. */
  reference: number[];
  /** Seed of the loop run that builds the state, and how many edits it makes first (0-2). */
  stateSeed: number;
  edits: number;
  /** Seed of the group's draws from the policy. */
  sampleSeed: number;
  groupSize: number;
  temperature: number;
  reward: RewardWeights;
  rewardFrom: ActorTrainingConfig["rewardFrom"];
  horizon: number;
}

/** A rollout group, or null when its state offers nothing to learn (already perfect, or one candidate). */
export type RolloutOutcome = GroupOutcome<EditKind, RolloutState>;

/** Runs rollout requests and returns their outcomes in the same order. */
export type RolloutExecutor = (requests: readonly RolloutRequest[]) => Promise<(RolloutOutcome | null)[]>;

/** Executes the requests here, one after another. */
export const inProcessRollouts: RolloutExecutor = inOrder((request: RolloutRequest) => rolloutGroup(request));

/** Builds the request's state with a real loop run, samples its group and rewards every sample. */
export async function rolloutGroup(request: RolloutRequest): Promise<RolloutOutcome | null> {
  const world = rolloutWorld();
  const policy = policyFromVector(request.theta, { ...defaultActorPolicy, greedy: true });
  const state = await stateFrom(world, { actor: policy }, request.graph, request.stateSeed, request.edits);
  if (state.reading.metrics.sgIoU >= 1) return null;
  const proposals = proposeEdits({ target: state.target, critique: state.reading.critique, history: state.history }, policy);
  if (proposals.length < 2) return null;
  const candidates = proposals.map((proposal) => proposal.features);
  const old = policyProbabilities(request.theta, candidates, request.temperature);
  const referenceProbabilities = policyProbabilities(request.reference, candidates, request.temperature);
  const oracle = new SimOracleScorer(world.library);
  const rewardReader: Checker = request.rewardFrom === "scorer" ? oracle : world.checker;
  const before = request.rewardFrom === "scorer" ? await readWith(oracle, state.image, state.target, state.seed) : state.reading;
  const rng = createRng(request.sampleSeed);
  const samples: RolloutOutcome["samples"] = [];
  for (let sample = 0; sample < request.groupSize; sample++) {
    const action = sampleIndex(old, rng);
    const proposal = proposals[action]!;
    const outcome = await tryEdit(world, rewardReader, state, proposal, sample, { policy, horizon: request.horizon });
    samples.push({
      action,
      reward: rewardOf(before, outcome, request.reward),
      oldProbability: old[action]!,
      referenceProbability: referenceProbabilities[action]!,
      instruction: proposal.instruction,
      kind: proposal.kind,
      sgIoUGain: outcome.after.metrics.sgIoU - before.metrics.sgIoU,
    });
  }
  return {
    candidates,
    samples,
    state: { target: state.target, image: state.image, critique: state.reading.critique, history: state.history, sgIoU: before.metrics.sgIoU, seed: state.seed },
  };
}

export async function trainActor(
  graphs: readonly SceneGraph[],
  config: ActorTrainingConfig = defaultActorTrainingConfig,
  hooks: TrainActorHooks = {},
): Promise<{ vector: number[]; metrics: StepMetrics[] }> {
  if (graphs.length === 0) throw new RangeError("training needs at least one scene graph");
  const reference = initialVector(config.init);
  const requestFor = (draw: { step: number; index: number; rng: Rng; theta: readonly number[] }): RolloutRequest => {
    const { graph, stateSeed, edits } = drawState(graphs, config.seed, draw);
    return {
      graph,
      theta: [...draw.theta],
      reference,
      stateSeed,
      edits,
      sampleSeed: fmix32((stateSeed ^ 0x9e3779b9) >>> 0),
      groupSize: config.groupSize,
      temperature: config.grpo.temperature,
      reward: config.reward,
      rewardFrom: config.rewardFrom,
      horizon: config.horizon,
    };
  };
  return trainWithGroups(reference, config, requestFor, hooks.rollouts ?? inProcessRollouts, hooks);
}

interface EditOutcome {
  after: CheckResult & { metrics: SceneGraphMetrics };
  followed: boolean;
}

/** The instruction applied to the state (and, with a horizon, the loop's branch after it), read by `reader`. */
async function tryEdit(world: SimWorld, reader: Checker, state: LoopState, proposal: EditProposal, sample: number, continuation: { policy: ActorPolicy; horizon: number }): Promise<EditOutcome> {
  const instruction = withSceneContext(proposal.instruction, state.target.objects.map((object) => object.label));
  if (continuation.horizon > 0) {
    const branch = await branchOutcome(world, { actor: continuation.policy }, state, instruction, continuation.horizon);
    const after = reader === world.checker ? branch.reading : await readWith(reader, branch.image, state.target, state.seed);
    return { after, followed: branch.followed };
  }
  const edited = await world.editor.edit(state.image, instruction, { seed: deriveSeed(state.seed, 100 + sample, "editor") });
  const followed = !edited.warnings.some((warning) => /image unchanged|left undone/.test(warning));
  return { after: await readWith(reader, edited.image, state.target, state.seed), followed };
}

/** SG-IoU gain, plus the Entity-IoU gain, minus broken triples and an unfollowed instruction (weights in the config). */
type Reading = { metrics: SceneGraphMetrics; critique: Pick<Critique, "triples"> };

export function rewardOf(before: Reading, outcome: { after: Reading; followed: boolean }, weights: RewardWeights): number {
  const held = (critique: Pick<Critique, "triples">) => new Set(critique.triples.filter((triple) => triple.status === "satisfied").map((triple) => `${triple.subject}|${triple.predicate}|${triple.object}`));
  const after = held(outcome.after.critique);
  const broken = [...held(before.critique)].filter((key) => !after.has(key)).length;
  const triples = Math.max(1, before.critique.triples.length);
  return (
    outcome.after.metrics.sgIoU -
    before.metrics.sgIoU +
    weights.entity * (outcome.after.metrics.entityIoU - before.metrics.entityIoU) -
    (weights.damage * broken) / triples -
    (outcome.followed ? 0 : weights.unfollowed)
  );
}
