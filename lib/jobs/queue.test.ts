import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { createRun, getRunDetail } from "../db/runs";
import { useTestDatabase } from "../db/test-support";
import { createSimRoles } from "../pipeline/backends/sim";
import { parseSceneGraphInput } from "../pipeline/scene-graph/parse-input";
import { runSettingsSchema, type RunStreamEvent } from "../schemas/run";
import { subscribeAllRunEvents } from "./event-bus";
import { queueGroupLimits, queueGroupOf, runJobId, startRunQueue } from "./queue";
import { RunWorker } from "./worker";

describe("run queue: pure parts", () => {
  it("gives each run one job id (a UUID), the same every time", () => {
    const id = runJobId("cmxdgzobp0000xk7dmom23hv2");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(runJobId("cmxdgzobp0000xk7dmom23hv2")).toBe(id);
    expect(runJobId("cmxdgzobp0000xk7dmom23hv3")).not.toBe(id);
  });

  it("counts a run against its profile's heaviest back end, with the limits the environment sets", () => {
    expect(queueGroupOf(["sim"])).toBe("sim");
    expect(queueGroupOf(["openai-compatible", "sim"])).toBe("openai-compatible");
    expect(queueGroupOf(["local-detector", "a1111", "openai-compatible"])).toBe("a1111");
    expect(queueGroupLimits({ RIG_EVAL_CONCURRENCY_COMFYUI: "2", RIG_EVAL_CONCURRENCY_SIM: "x" })).toEqual({ comfyui: 2 });
  });
});

/** On PostgreSQL only (scripts/test-postgres.sh sets RIG_TEST_POSTGRES_URL). */
describe.runIf(process.env.RIG_TEST_POSTGRES_URL)("run queue on PostgreSQL", () => {
  useTestDatabase();

  it("shares queued runs between two workers through pg-boss: each run executed once, by one of them", async () => {
    const url = process.env.DATABASE_URL!;
    const prompt = "a red cup left of a laptop; laptop on a desk";
    const ids: string[] = [];
    for (let index = 0; index < 6; index++) {
      ids.push((await createRun({ input: prompt, prompt, target: parseSceneGraphInput(prompt), settings: runSettingsSchema.parse({ seed: index + 1, maxIterations: 3, patience: 3 }) })).id);
    }
    const roles = createSimRoles();
    const finished = new Set<string>();
    const unsubscribe = subscribeAllRunEvents((runId, event: RunStreamEvent) => {
      if (event.type === "status" && event.status === "succeeded") finished.add(runId);
    });
    const queues = await Promise.all([0, 1].map(() => startRunQueue({ connectionString: url, localConcurrency: 2, sweepIntervalMs: 200, log: () => {} })));
    const workers = queues.map(() => new RunWorker({ source: "queue", createRoles: () => roles, log: () => {} }));
    try {
      for (const [index, worker] of workers.entries()) {
        await worker.start();
        await queues[index]!.work(worker);
      }
      await expect.poll(() => finished.size, { timeout: 60_000, interval: 200 }).toBe(ids.length);
    } finally {
      unsubscribe();
      for (const queue of queues) await queue.stop();
      for (const worker of workers) await worker.stop();
    }
    for (const id of ids) {
      const run = (await getRunDetail(id))!;
      expect(run.status).toBe("succeeded");
      expect(run.iterations.map((iteration) => iteration.index)).toEqual(run.iterations.map((_, index) => index));
    }
    const attempts = await db().run.findMany({ where: { id: { in: ids } }, select: { attempts: true } });
    expect(attempts.every((row) => row.attempts === 1)).toBe(true);
  });
});
