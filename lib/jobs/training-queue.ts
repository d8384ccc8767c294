import "server-only";
import { randomUUID } from "node:crypto";
import { PgBoss } from "pg-boss";
import { decodeImage, encodePng } from "../pipeline/image/png";
import { rolloutGroup, type RolloutExecutor, type RolloutOutcome, type RolloutRequest } from "../pipeline/training/actor-trainer";

/**
 * Training rollouts as jobs of the PostgreSQL queue: `rig train actor --queue` sends each step's
 * rollout groups (one self-contained RolloutRequest each) to queue `rig-train-rollouts`, and every
 * `rig worker` (and the trainer itself) computes them. A request carries everything its group
 * depends on, so the result is the same wherever it runs, and a job whose worker died is simply
 * computed again by another (heartbeat 10 s, 3 retries). Requests and outcomes travel as JSON text
 * (jsonb would reorder keys, and the written rollout groups would differ by byte); images as PNG.
 */
export const TRAINING_QUEUE = "rig-train-rollouts";

type SerialisedOutcome = (Omit<RolloutOutcome, "state"> & { state: Omit<RolloutOutcome["state"], "image"> & { png: string } }) | null;
/** A job's output: the outcome as JSON text, because jsonb would reorder its objects' keys. */
type StoredOutcome = { json: string };

export interface TrainingQueue {
  executor: RolloutExecutor;
  /** Computes rollout jobs in this process, `localConcurrency` at once. */
  work(localConcurrency: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startTrainingQueue(options: { connectionString: string; pollMs?: number; log?: (message: string) => void }): Promise<TrainingQueue> {
  const log = options.log ?? ((message: string) => console.log(`[rig training queue] ${message}`));
  const boss = new PgBoss({ connectionString: options.connectionString, schema: "pgboss", superviseIntervalSeconds: 5, monitorIntervalSeconds: 5 });
  boss.on("error", (error) => log(`pg-boss: ${error instanceof Error ? error.message : String(error)}`));
  await boss.start();
  if (!(await boss.getQueue(TRAINING_QUEUE))) {
    await boss.createQueue(TRAINING_QUEUE, { retryLimit: 3, retryDelay: 1, retryBackoff: true, heartbeatSeconds: 10, expireInSeconds: 60 * 60 });
  }

  const executor: RolloutExecutor = async (requests) => {
    const batch = randomUUID();
    const ids = requests.map(() => randomUUID());
    await boss.insert(TRAINING_QUEUE, requests.map((request, index) => ({ id: ids[index]!, data: { batch, index, request: JSON.stringify(request) } })));
    for (;;) {
      const jobs = await boss.findJobs<{ batch: string; index: number }>(TRAINING_QUEUE, { data: { batch }, limit: requests.length });
      const failed = jobs.find((job) => job.state === "failed" || job.state === "cancelled");
      if (failed) throw new Error(`rollout group ${failed.data.index + 1} of ${requests.length} failed after its retries: ${JSON.stringify(failed.output).slice(0, 300)}`);
      if (jobs.length === requests.length && jobs.every((job) => job.state === "completed")) {
        const byIndex = new Map(jobs.map((job) => [job.data.index, job.output as unknown as StoredOutcome]));
        return Promise.all(requests.map((_, index) => fromStored(byIndex.get(index)!)));
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
    }
  };

  return {
    executor,
    async work(localConcurrency) {
      await boss.work<{ request: string }>(TRAINING_QUEUE, { localConcurrency, batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) =>
        job ? toStored(await rolloutGroup(JSON.parse(job.data.request) as RolloutRequest)) : null,
      );
    },
    async stop() {
      await boss.stop({ graceful: true, timeout: 30_000 });
    },
  };
}

async function toStored(outcome: RolloutOutcome | null): Promise<StoredOutcome> {
  if (!outcome) return { json: "null" };
  const { image, ...state } = outcome.state;
  const serialised: SerialisedOutcome = { ...outcome, state: { ...state, png: (await encodePng(image)).toString("base64") } };
  return { json: JSON.stringify(serialised) };
}

async function fromStored(stored: StoredOutcome): Promise<RolloutOutcome | null> {
  const outcome = JSON.parse(stored.json) as SerialisedOutcome;
  if (!outcome) return null;
  const { target, png, critique, history, sgIoU, seed } = outcome.state;
  // The state's keys in the trainer's order, so what is written from it is byte-identical.
  return { ...outcome, state: { target, image: await decodeImage(Buffer.from(png, "base64")), critique, history, sgIoU, seed } };
}
