import { createSimRoles } from "../backends/sim";
import { defaultActorPolicy, policyFromVector, policyVector, proposeEdits, SimActor, type ActorPolicy, type EditKind, type EditProposal } from "../backends/sim/actor";
import { withSceneContext } from "../backends/sim/instructions";
import { createRng, type Rng } from "../backends/sim/random";
import { SimOracleScorer } from "../backends/sim/scorer";
import type { RasterImage } from "../image/raster";
import { runLoop } from "../loop/engine";
import { deriveSeed, fmix32 } from "../loop/seeds";
import { sceneGraphMetrics, type SceneGraphMetrics } from "../metrics/scene-graph-iou";
import type { CheckResult, Checker, Critique } from "../roles/types";
import { sceneGraphToPromptText } from "../scene-graph/prompt-text";
import type { SceneGraph } from "../scene-graph/schema";
import { Adam, defaultGrpoSettings, groupAdvantages, grpoObjective, policyProbabilities, type Group, type GrpoSettings } from "./grpo";

/**
 * Reflection-GRPO for the embedded world's Actor (its linear-softmax policy over candidate edits,
 * sim/actor.ts). Each step:
 *   1. States from real loop runs: for a few training graphs, the loop runs (current policy,
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
  init: "heuristic",
};

export interface StepMetrics {
  step: number;
  meanReward: number;
  rewardStd: number;
  sgIoUGain: number;
  kl: number;
  entropy: number;
  /** Share of samples clipped in the step's last update (0 with one update: the ratio starts at 1). */
  clipFraction: number;
  /** The policy's parameters after the step (actorFeatureNames order). */
  parameters: number[];
}

/**
 * One state's rollout group as the trainer weighed it: the state the Actor saw, and each sampled
 * candidate instruction with its probability under the sampling policy, its reward and its
 * group-normalised advantage. Kept for DPO pairs and for showing why the policy moved.
 */
export interface RolloutGroupRecord {
  step: number;
  state: { target: SceneGraph; image: RasterImage; critique: Critique; history: string[]; sgIoU: number; seed: number };
  samples: { instruction: string; kind: string; probability: number; reward: number; advantage: number }[];
}

export function initialVector(init: ActorTrainingConfig["init"]): number[] {
  if (init === "uniform") return policyVector(defaultActorPolicy).map(() => 0);
  if (init === "heuristic") return policyVector(defaultActorPolicy);
  return [...init.vector];
}

interface State {
  target: SceneGraph;
  image: RasterImage;
  reading: CheckResult & { metrics: SceneGraphMetrics };
  history: string[];
  seed: number;
}

export interface TrainActorHooks {
  onStep?: (metrics: StepMetrics) => void;
  onGroup?: (group: RolloutGroupRecord) => void;
  /**
   * Replaces each sample's reward (given the candidate's edit kind and the configured reward), for
   * experiments and tests that ask whether training follows the reward it is given.
   */
  shapeReward?: (sample: { kind: EditKind; reward: number }) => number;
}

export async function trainActor(
  graphs: readonly SceneGraph[],
  config: ActorTrainingConfig = defaultActorTrainingConfig,
  hooks: TrainActorHooks = {},
): Promise<{ vector: number[]; metrics: StepMetrics[] }> {
  const { onStep, onGroup, shapeReward } = hooks;
  if (graphs.length === 0) throw new RangeError("training needs at least one scene graph");
  const world = createSimRoles();
  const oracle = new SimOracleScorer(world.library);
  const reference = initialVector(config.init);
  let theta = [...reference];
  const optimiser = new Adam(theta.length, config.learningRate);
  const rng = createRng(config.seed);
  const metrics: StepMetrics[] = [];
  const rewardReader: Checker = config.rewardFrom === "scorer" ? oracle : world.checker;

  for (let step = 0; step < config.steps; step++) {
    const policy = policyFromVector(theta, { ...defaultActorPolicy, greedy: true });
    const groups: Group[] = [];
    let gainSum = 0;
    let gainCount = 0;
    for (let index = 0; index < config.statesPerStep; index++) {
      const graph = graphs[Math.floor(rng.next() * graphs.length)]!;
      const state = await stateFrom(world, policy, graph, fmix32((config.seed * 7919 + step * 131 + index) >>> 0), Math.floor(rng.next() * 3));
      if (state.reading.metrics.sgIoU >= 1) continue;
      const proposals = proposeEdits({ target: state.target, critique: state.reading.critique, history: state.history }, policy);
      if (proposals.length < 2) continue;
      const candidates = proposals.map((proposal) => proposal.features);
      const old = policyProbabilities(theta, candidates, config.grpo.temperature);
      const referenceProbabilities = policyProbabilities(reference, candidates, config.grpo.temperature);
      const before = config.rewardFrom === "scorer" ? await readWith(oracle, state.image, state.target, state.seed) : state.reading;
      const samples = [];
      for (let sample = 0; sample < config.groupSize; sample++) {
        const action = sampleIndex(old, rng);
        const outcome = await tryEdit(world, rewardReader, state, proposals[action]!, sample);
        gainSum += outcome.after.metrics.sgIoU - before.metrics.sgIoU;
        gainCount += 1;
        const reward = rewardOf(before, outcome, config.reward);
        samples.push({
          action,
          reward: shapeReward ? shapeReward({ kind: proposals[action]!.kind, reward }) : reward,
          oldProbability: old[action]!,
          referenceProbability: referenceProbabilities[action]!,
        });
      }
      groups.push({ candidates, samples });
      if (onGroup) {
        const advantages = groupAdvantages(samples.map((sample) => sample.reward), config.grpo.lossType, config.grpo.advantageEpsilon);
        onGroup({
          step,
          state: { target: state.target, image: state.image, critique: state.reading.critique, history: state.history, sgIoU: before.metrics.sgIoU, seed: state.seed },
          samples: samples.map((sample, position) => ({
            instruction: proposals[sample.action]!.instruction,
            kind: proposals[sample.action]!.kind,
            probability: sample.oldProbability,
            reward: sample.reward,
            advantage: advantages[position]!,
          })),
        });
      }
    }
    // The first evaluation is at the sampling policy (every ratio 1); later ones see the moved
    // policy, so the clip fraction reported is that of the last update's evaluation.
    const first = grpoObjective(theta, groups, config.grpo);
    let latest = first;
    for (let update = 0; update < config.innerUpdates && groups.length > 0; update++) {
      if (update > 0) latest = grpoObjective(theta, groups, config.grpo);
      theta = optimiser.ascend(theta, latest.gradient);
    }
    const row: StepMetrics = {
      step,
      meanReward: first.meanReward,
      rewardStd: first.rewardStd,
      sgIoUGain: gainCount ? gainSum / gainCount : 0,
      kl: first.kl,
      entropy: first.entropy,
      clipFraction: latest.clipFraction,
      parameters: [...theta],
    };
    metrics.push(row);
    onStep?.(row);
  }
  return { vector: theta, metrics };
}

/** A loop state: the loop run for `edits` edits with `policy`, its last image and the Checker's reading of it. */
async function stateFrom(world: ReturnType<typeof createSimRoles>, policy: ActorPolicy, target: SceneGraph, seed: number, edits: number): Promise<State> {
  const roles = { diffuser: world.diffuser, checker: world.checker, actor: new SimActor(policy), editor: world.editor };
  const result = await runLoop(
    { target, prompt: sceneGraphToPromptText(target), seed, maxIterations: edits + 1, targetSgIoU: 1, patience: edits + 1 },
    { roles, score: sceneGraphMetrics },
  );
  const last = result.iterations.at(-1)!;
  return {
    target,
    image: last.image,
    reading: { detected: last.detected, critique: last.critique, metrics: last.metrics },
    history: result.iterations.flatMap((record) => (record.instruction ? [record.instruction] : [])),
    seed,
  };
}

interface EditOutcome {
  after: CheckResult & { metrics: SceneGraphMetrics };
  followed: boolean;
}

async function tryEdit(world: ReturnType<typeof createSimRoles>, reader: Checker, state: State, proposal: EditProposal, sample: number): Promise<EditOutcome> {
  const instruction = withSceneContext(proposal.instruction, state.target.objects.map((object) => object.label));
  const edited = await world.editor.edit(state.image, instruction, { seed: deriveSeed(state.seed, 100 + sample, "editor") });
  const followed = !edited.warnings.some((warning) => /image unchanged|left undone/.test(warning));
  return { after: await readWith(reader, edited.image, state.target, state.seed), followed };
}

async function readWith(reader: Checker, image: RasterImage, target: SceneGraph, seed: number): Promise<CheckResult & { metrics: SceneGraphMetrics }> {
  const read = await reader.check(image, target, { seed: deriveSeed(seed, 0, "checker") });
  return { detected: read.detected, critique: read.critique, metrics: sceneGraphMetrics(target, read.detected) };
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

function sampleIndex(probabilities: readonly number[], rng: Rng): number {
  let draw = rng.next();
  for (let index = 0; index < probabilities.length; index++) {
    draw -= probabilities[index]!;
    if (draw <= 0) return index;
  }
  return probabilities.length - 1;
}
