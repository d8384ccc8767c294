import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../db/test-support";
import { syntheticSceneGraph } from "../pipeline/backends/sim/synthetic-graphs";
import { defaultActorTrainingConfig, trainActor, type RolloutGroupRecord } from "../pipeline/training/actor-trainer";
import { startTrainingQueue } from "./training-queue";

/** On PostgreSQL only (scripts/test-postgres.sh sets RIG_TEST_POSTGRES_URL). */
describe.runIf(process.env.RIG_TEST_POSTGRES_URL)("training rollouts on the PostgreSQL queue", () => {
  useTestDatabase();

  it("trains to the same policy and the same rollout groups (images included) when two queue workers compute them", async () => {
    const graphs = [2001, 2002, 2003].map((seed) => syntheticSceneGraph(seed, { minObjects: 4, maxObjects: 6, attributeRate: 0.7 }));
    const config = { ...defaultActorTrainingConfig, steps: 2, statesPerStep: 3, groupSize: 4 };
    const record = (list: string[]) => (group: RolloutGroupRecord) => list.push(JSON.stringify({ ...group, state: { ...group.state, image: [group.state.image.width, group.state.image.height, Buffer.from(group.state.image.data).toString("base64")] } }));
    const groupsHere: string[] = [];
    const groupsThere: string[] = [];
    const here = await trainActor(graphs, config, { onGroup: record(groupsHere) });
    const trainer = await startTrainingQueue({ connectionString: process.env.DATABASE_URL!, log: () => {} });
    const workers = await Promise.all([0, 1].map(() => startTrainingQueue({ connectionString: process.env.DATABASE_URL!, log: () => {} })));
    try {
      for (const worker of workers) await worker.work(1);
      const there = await trainActor(graphs, config, { rollouts: trainer.executor, onGroup: record(groupsThere) });
      expect(there.vector).toEqual(here.vector);
      expect(there.metrics.map((row) => row.meanReward)).toEqual(here.metrics.map((row) => row.meanReward));
      // Every group's state, image pixels and samples, byte for byte (the trainer itself works no job here).
      expect(groupsHere.length).toBeGreaterThan(0);
      expect(groupsThere).toEqual(groupsHere);
    } finally {
      for (const queue of [trainer, ...workers]) await queue.stop();
    }
  }, 120_000);
});
