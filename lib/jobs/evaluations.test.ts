import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { useTestDatabase } from "../db/test-support";
import { datasetFormats } from "../pipeline/datasets/types";
import { createSimRoles } from "../pipeline/backends/sim";
import { importDataset } from "../pipeline/datasets";
import { evaluate, evaluationProfiles } from "../pipeline/evaluation";
import { itemSeed } from "../pipeline/evaluation/evaluate-item";
import type { EvaluationItemResult } from "../pipeline/evaluation/types";
import { evaluationFormats } from "../schemas/evaluation";
import { cancelEvaluation, evaluationCsv, evaluationListener, getEvaluationDetail, progressOf, reconcileEvaluations, selectItems, submitEvaluation } from "./evaluations";
import { RunWorker } from "./worker";

useTestDatabase();

// The same self-written GenEval-style file the browser test uploads.
const geneval = readFileSync(new URL("../../e2e/data/evals-geneval.jsonl", import.meta.url), "utf8");
const sharedRoles = createSimRoles();
const quiet = () => {};
const settings = { seed: 3, maxIterations: 3, patience: 2 };

async function waitForStatus(id: string, statuses: RegExp, timeoutMs = 30_000) {
  const started = Date.now();
  for (;;) {
    const detail = await getEvaluationDetail(id);
    if (statuses.test(detail.evaluation.status)) return detail;
    if (Date.now() - started > timeoutMs) throw new Error(`evaluation still ${detail.evaluation.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("evaluations in the web app", () => {
  it("gives the same item results as rig eval's path on the same data set and seed (times aside)", async () => {
    const text = "a cup left of a laptop\na dog above a cat\na cat left of a dog; the dog left of the cat\n";
    const { items } = importDataset(text, "text");
    const { roles, grader } = evaluationProfiles.sim();
    const cli = await evaluate(items, { createRoles: () => roles, grader, seed: settings.seed, settings: { maxIterations: settings.maxIterations, patience: settings.patience }, concurrency: 1 });

    const { id } = await submitEvaluation({ name: "both ways", format: "text", text, settings });
    const worker = new RunWorker({ listener: evaluationListener, concurrency: 1, pollIntervalMs: 20, createRoles: () => sharedRoles, log: quiet });
    await worker.start();
    const detail = await waitForStatus(id, /succeeded|failed/);
    await worker.stop();
    const withoutTimes = (result: EvaluationItemResult | null) => {
      if (!result || result.status !== "done") return result;
      const { timeMs: _timeMs, ...rest } = result;
      return rest;
    };
    expect(cli.results.every((result) => result.status === "done")).toBe(true);
    // Not a trivial match: some item edited its way to a later best, and everything was judged and graded.
    expect(cli.results.some((result) => result.status === "done" && result.loop.iteration > 0)).toBe(true);
    expect(cli.results.every((result) => result.status === "done" && result.loop.judge !== null && result.scoredBy === "oracle")).toBe(true);
    expect(detail.items.map((item) => withoutTimes(item.result))).toEqual(cli.results.map(withoutTimes));
  });

  it("keeps its format list equal to the importers'", () => {
    expect([...evaluationFormats]).toEqual([...datasetFormats]);
  });

  it("stores items as queued runs, executes them through the worker and summarises the results", async () => {
    const { id, itemCount } = await submitEvaluation({ name: "geneval fixture", format: "geneval", text: geneval, fileName: "geneval.jsonl", limit: 2, settings });
    expect(itemCount).toBe(2);
    const items = await db().evaluationItem.findMany({ where: { evaluationId: id }, include: { run: true }, orderBy: { index: "asc" } });
    expect(items.map((item) => item.run.status)).toEqual(["queued", "queued"]);
    expect(items.map((item) => (item.run.settings as { seed: number }).seed)).toEqual([itemSeed(3, 0), itemSeed(3, 1)]);

    const worker = new RunWorker({ listener: evaluationListener, concurrency: 2, evaluationConcurrency: { sim: 1 }, pollIntervalMs: 20, createRoles: () => sharedRoles, log: quiet });
    await worker.start();
    const detail = await waitForStatus(id, /succeeded|failed/);
    await worker.stop();
    expect(detail.evaluation.status).toBe("succeeded");
    expect(detail.progress).toMatchObject({ total: 2, done: 2, pending: 0, etaMs: null });
    expect(detail.summary?.count).toBe(2);
    const first = detail.items[0]!.result!;
    expect(first.status).toBe("done");
    if (first.status !== "done") return;
    const run = (await db().run.findUniqueOrThrow({ where: { id: detail.items[0]!.runId }, include: { iterations: { orderBy: { index: "asc" } } } }));
    // Graded by the world's oracle; the stored run's own figures are the loop Checker's, kept beside.
    expect(first.scoredBy).toBe("oracle");
    expect(first.checkerReported?.oneShot.sgIoU).toBe(run.iterations[0]!.sgIoU);
    expect(first.checkerReported?.loop.sgIoU).toBe(run.bestSgIoU);
    expect(first.loop.testIou).toBeDefined();
    expect(first.iterations).toBe(run.iterationCount);
    expect(first.loop.judge).not.toBeNull();
    expect(first.oneShot.judge).not.toBeNull();
    expect(first.oneShot.genevalPosition).not.toBeNull();
    expect(detail.summary!.perIteration[0]!.sgIoU).toBeCloseTo(detail.summary!.checkerReported!.oneShot.sgIoU);
    expect(detail.summary!.scoredBy).toEqual({ oracle: 2 });
    // evaluationConcurrency { sim: 1 }: the two item runs never overlapped although the worker has two slots.
    const times = (await db().run.findMany({ where: { id: { in: detail.items.map((item) => item.runId) } }, orderBy: { startedAt: "asc" } })).map((row) => [row.startedAt!.getTime(), row.finishedAt!.getTime()] as const);
    expect(times[1]![0]).toBeGreaterThanOrEqual(times[0]![1]);

    const csv = evaluationCsv(detail.items, detail.backends).trim().split("\r\n");
    expect(csv).toHaveLength(3);
    expect(csv[1]).toContain(detail.items[0]!.runId);
    expect(csv[0]).toContain(",status,scoredBy,simulatedRoles,");
    expect(csv[1]).toContain(",done,oracle,diffuser checker actor editor judge,");
  });

  it("resumes after a crash without redoing finished items", async () => {
    const { id } = await submitEvaluation({ name: "resume", format: "geneval", text: geneval, settings });
    const crashed = new RunWorker({ listener: evaluationListener, concurrency: 1, pollIntervalMs: 20, createRoles: () => sharedRoles, log: quiet });
    await crashed.start();
    for (let waited = 0; (await db().evaluationItem.count({ where: { evaluationId: id, status: "done" } })) === 0 && waited < 600; waited += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await crashed.abandon();
    const firstRun = (await db().evaluationItem.findFirstOrThrow({ where: { evaluationId: id, status: "done" }, include: { run: true } })).run;

    const restarted = new RunWorker({ listener: evaluationListener, concurrency: 1, pollIntervalMs: 20, createRoles: () => sharedRoles, log: quiet });
    await restarted.start();
    const detail = await waitForStatus(id, /succeeded|failed|cancelled/);
    await restarted.stop();
    expect(detail.evaluation.status).toBe("succeeded");
    expect(detail.progress.done).toBe(3);
    const after = await db().run.findUniqueOrThrow({ where: { id: firstRun.id } });
    expect(after).toMatchObject({ attempts: 1, finishedAt: firstRun.finishedAt });
  });

  it("reconciles at start-up what a crash left between a run's end and its item's result", async () => {
    const first = await submitEvaluation({ name: "run ended, item not recorded", format: "text", text: "a red cup left of a laptop\n" });
    const item = await db().evaluationItem.findFirstOrThrow({ where: { evaluationId: first.id } });
    await db().run.update({ where: { id: item.runId }, data: { status: "cancelled", finishedAt: new Date() } });
    const second = await submitEvaluation({ name: "items recorded, evaluation not finished", format: "text", text: "a cat above a dog\n" });
    await db().evaluationItem.updateMany({ where: { evaluationId: second.id }, data: { status: "failed" } });
    await db().run.updateMany({ where: { evaluationItem: { evaluationId: second.id } }, data: { status: "failed", finishedAt: new Date() } });
    await db().evaluation.update({ where: { id: second.id }, data: { status: "interrupted" } });
    await reconcileEvaluations(undefined);
    expect((await getEvaluationDetail(first.id)).evaluation.status).toBe("cancelled");
    expect((await getEvaluationDetail(first.id)).items[0]!.status).toBe("cancelled");
    expect((await getEvaluationDetail(second.id)).evaluation).toMatchObject({ status: "failed", error: "every item failed" });
  });

  it("refuses a bad data set with the importer's message and writes nothing", async () => {
    const before = await db().evaluation.count();
    const runs = await db().run.count();
    await expect(submitEvaluation({ name: "bad", format: "geneval", text: `${geneval.split("\n")[0]}\n{not json\n` })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/upload:2: /),
    });
    await expect(submitEvaluation({ name: "bad", format: "nope", text: "x" })).rejects.toMatchObject({ status: 400, code: "bad_request:format" });
    expect(await db().evaluation.count()).toBe(before);
    expect(await db().run.count()).toBe(runs);
    // Lenient mode skips the bad line and lists it.
    const lenient = await submitEvaluation({ name: "lenient", format: "geneval", text: `${geneval.split("\n")[0]}\n{not json\n`, lenient: true });
    expect(lenient.skipped).toEqual([expect.objectContaining({ line: 2 })]);
    expect(await cancelEvaluation(lenient.id)).toBe("cancelled");
  });

  it("cancels the waiting item runs of an evaluation", async () => {
    const { id } = await submitEvaluation({ name: "to cancel", format: "geneval", text: geneval, settings });
    expect(await cancelEvaluation(id)).toBe("cancelled");
    const detail = await getEvaluationDetail(id);
    expect(detail.evaluation.status).toBe("cancelled");
    expect(detail.items.every((item) => item.status === "cancelled" && item.runStatus === "cancelled")).toBe(true);
  });

  it("samples with a seed in file order, and estimates the time left from the rate", () => {
    const items = Array.from({ length: 10 }, (_, index) => ({ id: String(index) }) as never);
    const sample = selectItems(items, 4, 7).map((item: { id: string }) => Number(item.id));
    expect(sample).toHaveLength(4);
    expect(sample).toEqual([...sample].sort((a, b) => a - b));
    expect(selectItems(items, 4, 7)).toEqual(selectItems(items, 4, 7));
    expect(selectItems(items, 3, undefined).map((item: { id: string }) => item.id)).toEqual(["0", "1", "2"]);
    const progress = progressOf({ startedAt: new Date(0).toISOString(), finishedAt: null }, [{ status: "done" }, { status: "done" }, { status: "pending" }], 2000);
    expect(progress).toMatchObject({ done: 2, pending: 1, itemsPerSecond: 1, etaMs: 1000 });
  });
});
