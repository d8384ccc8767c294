import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultActorTrainingConfig, rewardOf, rolloutGroup, trainActor, type RolloutGroupRecord, type RolloutRequest } from "./actor-trainer";
import { actorCheckpoint, loadActorPolicy } from "./checkpoint";
import { actorFeatureNames, defaultActorPolicy, policyVector } from "../backends/sim/actor";
import { syntheticSceneGraph } from "../backends/sim/synthetic-graphs";

// Graphs the loop does not solve at once, so every step has states with something to learn.
const shape = { minObjects: 4, maxObjects: 6, attributeRate: 0.7 };
const graphs = [2001, 2002, 2003].map((seed) => syntheticSceneGraph(seed, shape));
const small = { ...defaultActorTrainingConfig, steps: 2, statesPerStep: 3, groupSize: 4 };

describe("trainActor", () => {
  it("is reproducible from its seed, moves the policy, and reports every step", async () => {
    const steps: number[] = [];
    const first = await trainActor(graphs, small, { onStep: (row) => steps.push(row.step) });
    const again = await trainActor(graphs, small);
    expect(again.vector).toEqual(first.vector);
    expect(steps).toEqual([0, 1]);
    expect(first.vector).not.toEqual(policyVector((await loadActorPolicy("heuristic"))));
    for (const row of first.metrics) {
      expect(row.entropy).toBeGreaterThan(0);
      expect(row.kl).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(row.meanReward)).toBe(true);
    }
  });

  it("computes each rollout group from its request alone, so any executor (another host) gives the same training", async () => {
    const requests: RolloutRequest[] = [];
    // An executor that runs the requests in reverse order, each from a JSON copy (as a queue would deliver it).
    const elsewhere = async (batch: readonly RolloutRequest[]) => {
      requests.push(...batch);
      const copies = batch.map((request) => JSON.parse(JSON.stringify(request)) as RolloutRequest);
      const outcomes = new Array(copies.length);
      for (let index = copies.length - 1; index >= 0; index--) outcomes[index] = await rolloutGroup(copies[index]!);
      return outcomes;
    };
    const here = await trainActor(graphs, small);
    const there = await trainActor(graphs, small, { rollouts: elsewhere });
    expect(there.vector).toEqual(here.vector);
    expect(requests).toHaveLength(small.steps * small.statesPerStep);
    // The second step's requests carry the policy the first step moved to.
    expect(requests[small.statesPerStep]!.theta).toEqual(here.metrics[0]!.parameters);
  });

  it("reports each rollout group: the state, and every sample's instruction, probability, reward and advantage", async () => {
    const groups: RolloutGroupRecord[] = [];
    const { metrics } = await trainActor(graphs, { ...small, steps: 1 }, { onGroup: (group) => groups.push(group) });
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      expect(group.samples).toHaveLength(small.groupSize);
      expect(group.state.sgIoU).toBeLessThan(1);
      for (const sample of group.samples) {
        expect(sample.instruction.length).toBeGreaterThan(3);
        expect(sample.probability).toBeGreaterThan(0);
        expect(sample.probability).toBeLessThanOrEqual(1);
      }
      // GRPO's group-normalised advantages sum to zero.
      expect(group.samples.reduce((sum, sample) => sum + sample.advantage, 0)).toBeCloseTo(0, 6);
    }
    const rewards = groups.flatMap((group) => group.samples.map((sample) => sample.reward));
    expect(rewards.reduce((sum, reward) => sum + reward, 0) / rewards.length).toBeCloseTo(metrics[0]!.meanReward, 6);
  });

  it("follows the reward it is given: rewarding only recolours raises that kind's weight above every other's", async () => {
    const kindIndex = (kind: string) => actorFeatureNames.indexOf(`kind:${kind}` as (typeof actorFeatureNames)[number]);
    const start = policyVector(defaultActorPolicy);
    const seen = new Map<string, number>();
    const { vector } = await trainActor(graphs, { ...small, steps: 4, statesPerStep: 4, groupSize: 6 }, {
      shapeReward: ({ kind }) => {
        seen.set(kind, (seen.get(kind) ?? 0) + 1);
        return kind === "recolour" ? 1 : 0;
      },
    });
    // These graphs' states offer recolours beside bundled fixes, so groups mix the two.
    expect(seen.get("recolour"), "the favoured kind was sampled").toBeGreaterThan(0);
    expect(seen.get("bundle"), "and another kind beside it").toBeGreaterThan(0);
    const moved = (kind: string) => vector[kindIndex(kind)]! - start[kindIndex(kind)]!;
    expect(moved("recolour")).toBeGreaterThan(0);
    for (const kind of [...seen.keys()].filter((other) => other !== "recolour")) expect(moved(kind), kind).toBeLessThan(moved("recolour"));
  });

  it("writes a checkpoint that loads back as the trained policy, and names what is wrong with a bad one", async () => {
    const { vector } = await trainActor(graphs, { ...small, steps: 1 });
    const dir = await mkdtemp(path.join(tmpdir(), "rig-ckpt-"));
    const file = path.join(dir, "checkpoint.json");
    await writeFile(file, JSON.stringify(actorCheckpoint(vector, small, graphs, null)));
    expect(policyVector(await loadActorPolicy(file))).toEqual(vector);
    await writeFile(file, JSON.stringify({ version: 1, kind: "critic" }));
    await expect(loadActorPolicy(file)).rejects.toThrow(/not a policy checkpoint: kind/);
    await expect(loadActorPolicy(path.join(dir, "missing.json"))).rejects.toThrow(/ENOENT/);
  });
});

describe("multi-step reward (horizon)", () => {
  it("rewards an edit by the best iteration of the loop's branch after it, so later gains count", async () => {
    const request: RolloutRequest = {
      graph: graphs[0]!,
      theta: policyVector(defaultActorPolicy),
      reference: policyVector(defaultActorPolicy),
      stateSeed: 14,
      edits: 0,
      sampleSeed: 3,
      groupSize: 6,
      temperature: 1,
      reward: defaultActorTrainingConfig.reward,
      rewardFrom: "scorer",
      horizon: 0,
    };
    const oneStep = (await rolloutGroup(request))!;
    const branched = (await rolloutGroup({ ...request, horizon: 2 }))!;
    const mean = (outcome: typeof oneStep) => outcome.samples.reduce((sum, sample) => sum + sample.reward, 0) / outcome.samples.length;
    // The same draws (same sampling seed), rewarded over a longer run.
    expect(branched.samples.map((sample) => sample.action)).toEqual(oneStep.samples.map((sample) => sample.action));
    expect(branched.samples.map((sample) => sample.reward)).not.toEqual(oneStep.samples.map((sample) => sample.reward));
    expect(mean(branched)).toBeGreaterThan(mean(oneStep));
    // An edit that loses ground at once can still lead to the best run: its multi-step reward is positive.
    const laterGain = branched.samples.find((sample, index) => oneStep.samples[index]!.reward < 0 && sample.reward > 0);
    expect(laterGain, "some edit that cost at first paid off over the branch").toBeDefined();
  });
});

describe("rewardOf", () => {
  const triple = (status: "satisfied" | "violated") => ({ subject: "a", predicate: "left of", object: "b", status });
  const reading = (sgIoU: number, entityIoU: number, statuses: ("satisfied" | "violated")[]) => ({
    metrics: { sgIoU, entityIoU, relationIoU: sgIoU },
    critique: { triples: statuses.map((status, index) => ({ ...triple(status), object: `b${index}` })) },
  });
  const weights = { entity: 0.5, damage: 0.25, unfollowed: 0.1 };
  it("is the SG-IoU gain plus the weighted Entity-IoU gain, less broken triples and an unfollowed instruction", () => {
    const before = reading(0.5, 0.8, ["satisfied", "violated"]);
    const fixed = { after: reading(1, 1, ["satisfied", "satisfied"]), followed: true };
    expect(rewardOf(before, fixed, weights)).toBeCloseTo(0.5 + 0.5 * 0.2, 12);
    const broke = { after: reading(0.5, 0.8, ["violated", "satisfied"]), followed: false };
    expect(rewardOf(before, broke, weights)).toBeCloseTo(-0.25 / 2 - 0.1, 12);
  });
});
