import { createRng, type Rng } from "../backends/sim/random";
import { fmix32 } from "../loop/seeds";
import { Adam, groupAdvantages, grpoObjective, type Group, type GroupSample, type GrpoSettings } from "./grpo";

/**
 * The Reflection-GRPO training loop shared by the Actor's and the Editor's trainers. Each step:
 *   1. `statesPerStep` rollout requests (the trainer's `requestFor`: a state and the current
 *      policy), run by the `rollouts` executor; each gives a group of rewarded samples or null.
 *   2. `innerUpdates` Adam steps on the GRPO objective (grpo.ts) of those groups, the KL measured
 *      against the reference (starting) policy.
 * The executor may run the requests anywhere (lib/jobs/training-queue); the step's results depend
 * only on the requests, so the same seed gives the same parameters.
 */
export interface GrpoSchedule {
  steps: number;
  statesPerStep: number;
  innerUpdates: number;
  learningRate: number;
  seed: number;
  grpo: GrpoSettings;
}

export interface StepMetrics {
  step: number;
  meanReward: number;
  rewardStd: number;
  sgIoUGain: number;
  kl: number;
  entropy: number;
  /** Share of samples clipped in the step's last update (0 with one update: the ratio starts at 1). */
  clipFraction: number;
  /** The policy's parameters after the step (the trained role's feature-name order). */
  parameters: number[];
}

/** One rewarded sample of a group: which candidate, what it was, and the SG-IoU gain it made. */
export type RewardedSample<Kind extends string> = GroupSample & { instruction: string; kind: Kind; sgIoUGain: number };

export interface GroupOutcome<Kind extends string, State> {
  candidates: number[][];
  samples: RewardedSample<Kind>[];
  state: State;
}

/** A group as the trainer weighed it: its state and each sample's probability, reward and advantage. */
export interface WeighedGroup<Kind extends string, State> {
  step: number;
  state: State;
  samples: { instruction: string; kind: Kind; probability: number; reward: number; advantage: number }[];
}

export interface GrpoHooks<Kind extends string, State> {
  onStep?: (metrics: StepMetrics) => void;
  onGroup?: (group: WeighedGroup<Kind, State>) => void;
  /** Replaces each sample's reward, for experiments and tests that ask whether training follows the reward it is given. */
  shapeReward?: (sample: { kind: Kind; reward: number; features: readonly number[] }) => number;
}

export async function trainWithGroups<Request, Kind extends string, State>(
  reference: readonly number[],
  schedule: GrpoSchedule,
  requestFor: (context: { step: number; index: number; rng: Rng; theta: readonly number[] }) => Request,
  rollouts: (requests: readonly Request[]) => Promise<(GroupOutcome<Kind, State> | null)[]>,
  hooks: GrpoHooks<Kind, State> = {},
): Promise<{ vector: number[]; metrics: StepMetrics[] }> {
  const { onStep, onGroup, shapeReward } = hooks;
  let theta = [...reference];
  const optimiser = new Adam(theta.length, schedule.learningRate);
  const rng = createRng(schedule.seed);
  const metrics: StepMetrics[] = [];

  for (let step = 0; step < schedule.steps; step++) {
    const requests = Array.from({ length: schedule.statesPerStep }, (_, index) => requestFor({ step, index, rng, theta }));
    const outcomes = await rollouts(requests);
    const groups: Group[] = [];
    let gainSum = 0;
    let gainCount = 0;
    for (const outcome of outcomes) {
      if (!outcome) continue;
      const samples = outcome.samples.map((sample) => ({ ...sample, reward: shapeReward ? shapeReward({ kind: sample.kind, reward: sample.reward, features: outcome.candidates[sample.action]! }) : sample.reward }));
      for (const sample of samples) {
        gainSum += sample.sgIoUGain;
        gainCount += 1;
      }
      groups.push({ candidates: outcome.candidates, samples });
      if (onGroup) {
        const advantages = groupAdvantages(samples.map((sample) => sample.reward), schedule.grpo.lossType, schedule.grpo.advantageEpsilon);
        onGroup({
          step,
          state: outcome.state,
          samples: samples.map((sample, position) => ({ instruction: sample.instruction, kind: sample.kind, probability: sample.oldProbability, reward: sample.reward, advantage: advantages[position]! })),
        });
      }
    }
    // The first evaluation is at the sampling policy (every ratio 1); later ones see the moved
    // policy, so the clip fraction reported is that of the last update's evaluation.
    const first = grpoObjective(theta, groups, schedule.grpo);
    let latest = first;
    for (let update = 0; update < schedule.innerUpdates && groups.length > 0; update++) {
      if (update > 0) latest = grpoObjective(theta, groups, schedule.grpo);
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

/**
 * A step's state draw, the same for every trainer: the graph, the seed of the loop run that
 * builds the state, and how many edits into the run it is (0-2).
 */
export function drawState<G>(graphs: readonly G[], seed: number, { step, index, rng }: { step: number; index: number; rng: Rng }): { graph: G; stateSeed: number; edits: number } {
  const graph = graphs[Math.floor(rng.next() * graphs.length)]!;
  const stateSeed = fmix32((seed * 7919 + step * 131 + index) >>> 0);
  return { graph, stateSeed, edits: Math.floor(rng.next() * 3) };
}

/** An executor that computes the requests here, one after another. */
export function inOrder<Request, Outcome>(compute: (request: Request) => Promise<Outcome>): (requests: readonly Request[]) => Promise<Outcome[]> {
  return async (requests) => {
    const outcomes: Outcome[] = [];
    for (const request of requests) outcomes.push(await compute(request));
    return outcomes;
  };
}

/** An index drawn from `probabilities`. */
export function sampleIndex(probabilities: readonly number[], rng: Rng): number {
  let draw = rng.next();
  for (let index = 0; index < probabilities.length; index++) {
    draw -= probabilities[index]!;
    if (draw <= 0) return index;
  }
  return probabilities.length - 1;
}
