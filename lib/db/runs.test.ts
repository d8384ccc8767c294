import { describe, expect, it } from "vitest";
import { runDetailSchema, runListResponseSchema, runSettingsSchema } from "../schemas/run";
import type { SceneGraph } from "../pipeline/scene-graph/schema";
import { db } from "./client";
import { createEvaluation } from "./evaluations";
import { claimNextRun, commitIteration, finishRun, markRunningRunsInterrupted, recordRunBackends, type StoredIteration } from "./run-execution";
import { parseSceneGraphInput } from "../pipeline/scene-graph/parse-input";
import { createRun, getRunByShareToken, getRunDetail, getShareLink, listRuns, revokeShare, shareRun } from "./runs";
import { useTestDatabase } from "./test-support";

useTestDatabase();

const target: SceneGraph = {
  objects: [
    { id: "dog", label: "dog", attributes: [] },
    { id: "bear", label: "teddy bear", attributes: [] },
  ],
  relations: [{ subject: "dog", predicate: "right of", object: "bear" }],
};
const settings = runSettingsSchema.parse({});
const imageA = "a".repeat(64);
const imageB = "b".repeat(64);

function iteration(index: number, sgIoU: number, imageId = imageA): StoredIteration {
  return {
    index,
    imageId,
    instruction: index === 0 ? null : `move the dog (${index})`,
    detected: { objects: [{ id: "dog", label: "dog", attributes: ["brown"], box: { x: 0.1, y: 0.2, width: 0.3, height: 0.4 }, depth: 0.5 }], relations: [] },
    critique: {
      triples: [],
      missingObjects: ["bear"],
      extraObjects: [],
      attributeMismatches: [],
      matches: { dog: "dog" },
      locations: {},
      depths: {},
      summary: "no bear",
    },
    metrics: { sgIoU, entityIoU: 0.5, relationIoU: 0 },
    durationsMs: index === 0 ? { diffuser: 10, checker: 5 } : { actor: 1, editor: 7, checker: 5 },
    seeds: { checker: 3, ...(index === 0 ? { diffuser: 1 } : { actor: 2, editor: 4 }) },
    warnings: index === 0 ? ["diffuser: no sprite for 'zorb'"] : [],
  };
}

async function newRun(prompt: string) {
  return createRun({ input: prompt, prompt, target, settings });
}

describe("runs data layer", () => {
  it("creates a queued run and reads it back through the contract", async () => {
    const { id } = await newRun("a photo of a dog right of a teddy bear");
    const run = await getRunDetail(id);
    expect(runDetailSchema.parse(run)).toEqual(run);
    expect(run).toMatchObject({ status: "queued", iterationCount: 0, bestIteration: null, bestImageId: null, target, settings, iterations: [] });
    expect(await getRunDetail("not-an-id")).toBeNull();
    expect(await getRunDetail("c".repeat(25))).toBeNull();
  });

  it("lists newest first, searches the prompt case-insensitively, paginates", async () => {
    for (const prompt of ["A Red CUP left of a laptop", "a cat on a sofa", "a red apple near a cup"]) await newRun(prompt);
    const all = await listRuns({ pageSize: 100 });
    expect(runListResponseSchema.parse(all)).toEqual(all);
    expect(all.runs[0]!.prompt).toBe("a red apple near a cup");
    const cups = await listRuns({ query: "cup" });
    expect(cups.total).toBe(2);
    expect(cups.runs.map((run) => run.prompt)).toEqual(["a red apple near a cup", "A Red CUP left of a laptop"]);
    const page2 = await listRuns({ query: "red", page: 2, pageSize: 1 });
    expect(page2).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(page2.runs.map((run) => run.prompt)).toEqual(["A Red CUP left of a laptop"]);
    expect((await listRuns({ query: "%" })).total).toBe(0);
  });

  it("commits iterations with the run's best and count in one transaction, re-parsed on read", async () => {
    const { id } = await newRun("commit test");
    await db().run.update({ where: { id }, data: { status: "running" } });
    await commitIteration(id, iteration(0, 0.4, imageA));
    await commitIteration(id, iteration(1, 0.8, imageB));
    await commitIteration(id, iteration(2, 0.8, imageA));
    const run = (await getRunDetail(id))!;
    expect(run).toMatchObject({ iterationCount: 3, bestIteration: 1, bestSgIoU: 0.8, bestImageId: imageB });
    expect(run.iterations.map((view) => view.index)).toEqual([0, 1, 2]);
    expect(run.iterations[0]).toMatchObject({ instruction: null, durationsMs: { diffuser: 10, checker: 5 }, warnings: ["diffuser: no sprite for 'zorb'"] });
    expect(run.iterations[0]!.detected.objects[0]!.box).toEqual({ x: 0.1, y: 0.2, width: 0.3, height: 0.4 });

    // A duplicate index fails and rolls back: the run's counters are untouched.
    await expect(commitIteration(id, iteration(1, 0.99, imageA))).rejects.toThrow();
    expect(await getRunDetail(id)).toMatchObject({ iterationCount: 3, bestIteration: 1, bestSgIoU: 0.8 });

    await finishRun(id, { status: "succeeded", stopReason: "budget-spent", error: null, judgement: { score: 7, rationale: "fine", iteration: 1, warnings: [], durationMs: 3, seed: 9 } });
    const finished = (await getRunDetail(id))!;
    expect(finished).toMatchObject({ status: "succeeded", stopReason: "budget-spent", judgement: { score: 7, rationale: "fine", iteration: 1 } });
    expect(finished.finishedAt).not.toBeNull();
  });

  it("fails loudly when a JSON column no longer fits its schema", async () => {
    const { id } = await newRun("corrupt row");
    await db().run.update({ where: { id }, data: { target: { objects: "nope" } } });
    await expect(getRunDetail(id)).rejects.toThrow();
    await db().run.delete({ where: { id } });
  });

  it("creates, reuses and revokes share tokens", async () => {
    const { id } = await newRun("shared run");
    const share = await shareRun(id);
    expect(share.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(share.url).toBe(`/s/${share.token}`);
    expect(await shareRun(id)).toEqual(share);
    expect((await getRunByShareToken(share.token))?.id).toBe(id);
    await revokeShare(id);
    expect(await getRunByShareToken(share.token)).toBeNull();
    const again = await shareRun(id);
    expect(again.token).not.toBe(share.token);
    expect(await getRunByShareToken("x".repeat(43))).toBeNull();
    expect(await getRunByShareToken("short")).toBeNull();
  });

  it("lets a share link expire, renews a live link's expiry, and replaces an expired link", async () => {
    const { id } = await newRun("expiring share");
    const now = new Date("2026-12-07T12:00:00Z");
    const day = 24 * 60 * 60 * 1000;
    const link = await shareRun(id, { expiresInDays: 1 }, now);
    expect(link.expiresAt).toBe("2026-12-08T12:00:00.000Z");
    expect((await getRunByShareToken(link.token, new Date(now.getTime() + day - 1000)))?.id).toBe(id);
    expect(await getRunByShareToken(link.token, new Date(now.getTime() + day))).toBeNull();

    const renewed = await shareRun(id, { expiresInDays: 7 }, new Date(now.getTime() + day / 2));
    expect(renewed.token, "a live link keeps its token").toBe(link.token);
    expect(renewed.expiresAt).toBe("2026-12-15T00:00:00.000Z");
    expect(await shareRun(id, {}, new Date(now.getTime() + day)), "sharing again keeps the expiry").toEqual(renewed);

    const later = new Date(now.getTime() + 30 * day);
    expect(await getShareLink(id, later), "the owner sees no live link").toBeNull();
    const fresh = await shareRun(id, {}, later);
    expect(fresh.token).not.toBe(link.token);
    expect(fresh.expiresAt).toBeNull();
    expect(await getRunByShareToken(link.token, later)).toBeNull();
    expect((await getRunByShareToken(fresh.token, later))?.id).toBe(id);
  });

  it("claims the oldest waiting run atomically and marks stale running runs interrupted", async () => {
    await db().run.updateMany({ where: { status: { in: ["queued", "interrupted"] } }, data: { status: "cancelled" } });
    const first = await newRun("claim one");
    const second = await newRun("claim two");
    const claims = await Promise.all([claimNextRun(), claimNextRun(), claimNextRun()]);
    const ids = claims.filter((claim) => claim !== null).map((claim) => claim.id);
    expect(ids.sort()).toEqual([first.id, second.id].sort());
    expect(await markRunningRunsInterrupted()).toBeGreaterThanOrEqual(2);
    expect((await getRunDetail(first.id))?.status).toBe("interrupted");
    const resumed = await claimNextRun();
    expect(resumed).toMatchObject({ id: first.id, attempts: 2 });
  });

  it("reads back runs stored before profiles (settings.backend \"sim\", no back ends recorded) as profile sim, and claims them", async () => {
    await db().run.updateMany({ where: { status: { in: ["queued", "interrupted"] } }, data: { status: "cancelled" } });
    const legacy = await db().run.create({
      data: {
        input: "a cat left of a dog",
        prompt: "a cat left of a dog",
        promptSearch: "a cat left of a dog",
        target: { objects: [{ id: "c", label: "cat", attributes: [] }, { id: "d", label: "dog", attributes: [] }], relations: [{ subject: "c", predicate: "left of", object: "d" }] },
        settings: { seed: 9, maxIterations: 5, targetSgIoU: 0.8, patience: 2, backend: "sim" },
        roles: { diffuser: "sim-diffuser", checker: "sim-checker", actor: "sim-actor", editor: "sim-editor", judge: "sim-judge" },
        status: "queued",
      },
    });
    const detail = runDetailSchema.parse(await getRunDetail(legacy.id));
    expect(detail.settings).toEqual({ seed: 9, maxIterations: 5, targetSgIoU: 0.8, patience: 2, profile: "sim" });
    expect(detail.backends).toBeNull();
    expect((await claimNextRun())?.settings).toEqual(detail.settings);
    // The row itself is not rewritten: nothing stored is lost.
    expect((await db().run.findUniqueOrThrow({ where: { id: legacy.id } })).settings).toMatchObject({ backend: "sim" });
  });

  it("records what served a run, and claims evaluation item runs only of the evaluations it is allowed", async () => {
    const { id } = await newRun("served");
    await recordRunBackends(id, { profile: "local", roles: { diffuser: "a1111:sdxl", checker: "openai-compatible:qwen" }, promptVersions: { checker: "checker.v2" } });
    expect((await getRunDetail(id))?.backends).toEqual({ profile: "local", roles: { diffuser: "a1111:sdxl", checker: "openai-compatible:qwen" }, promptVersions: { checker: "checker.v2" } });
    await db().run.updateMany({ where: { status: { in: ["queued", "interrupted"] } }, data: { status: "cancelled" } });
    const { id: evaluationId } = await createEvaluation({
      name: "e",
      format: "text",
      fileName: null,
      settings: { seed: 1, maxIterations: 2, targetSgIoU: 1, patience: 2, profile: "sim", lenient: false },
      skipped: [],
      items: [{ id: "1", prompt: "a cat left of a dog", target: parseSceneGraphInput("a cat left of a dog"), category: { relations: ["left"], objectCount: 2 } } as never],
    });
    expect((await db().run.findFirstOrThrow({ where: { evaluationItem: { is: { evaluationId } } } })).settings).toMatchObject({ profile: "sim" });
    expect(await claimNextRun({ evaluationIds: [] })).toBeNull();
    expect(await claimNextRun({ evaluationIds: ["someotherevaluationid0"] })).toBeNull();
    expect((await claimNextRun({ evaluationIds: [evaluationId] }))?.evaluationId).toBe(evaluationId);
  });
});
