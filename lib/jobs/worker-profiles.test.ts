import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as listProfilesRoute } from "@/app/api/profiles/route";
import { GET as getRunRoute } from "@/app/api/runs/[id]/route";
import { db } from "../db/client";
import { createRun, getRunDetail } from "../db/runs";
import { useTestDatabase } from "../db/test-support";
import { answer, startFakeOpenAi, type FakeOpenAiServer, type Reply } from "../pipeline/backends/openai-compatible/__fixtures__/fake-openai-server";
import { sendJson, solidPngBase64, startServer } from "../pipeline/backends/openai-images/__fixtures__/local-server";
import { createSimRoles } from "../pipeline/backends/sim";
import { parseSceneGraphInput } from "../pipeline/scene-graph/parse-input";
import { runSettingsSchema, type RunStreamEvent } from "../schemas/run";
import { subscribeRunEvents } from "./event-bus";
import { evaluationListener, getEvaluationDetail, submitEvaluation } from "./evaluations";
import { RunWorker } from "./worker";

/**
 * The worker on back-end profiles from a rig.config.json (RIG_CONFIG): a run whose roles are
 * served by local fake servers speaking the real wire formats (AUTOMATIC1111 for the Diffuser and
 * Editor, with sampling progress; an OpenAI-compatible VLM for the Checker, Actor and Judge), a
 * profile whose key variable is not set, and a profile removed from the config. Keys are sentinels
 * that must appear in no stored row, API response or log line.
 */
const { dir: dataDir } = useTestDatabase();

const VLM_KEY = "sentinel-vlm-key-7f3a9c1e5b2d4680";
const A1111_PASSWORD = "sentinel-a1111-password-19d8e7c6";
const sharedRoles = createSimRoles();
const logs: string[] = [];
const log = (message: string) => logs.push(message);

let vlm: FakeOpenAiServer;
let images: Awaited<ReturnType<typeof startServer>>;
let configDir: string;
let samplingStep = 0;
const savedEnv = { ...process.env };

function writeConfig(profiles: Record<string, unknown>) {
  return writeFile(path.join(configDir, "rig.config.json"), JSON.stringify({ profiles }));
}

function localProfiles() {
  const vlmRole = { backend: "openai-compatible", model: "test-vlm", baseURL: vlm.baseURL, apiKeyEnv: "TEST_VLM_KEY", maxRetries: 0 };
  const a1111Role = {
    backend: "a1111",
    model: "sdxl",
    baseURL: images.url,
    apiKeyEnv: "TEST_A1111_PASSWORD",
    maxRetries: 0,
    options: { username: "rig", width: 32, height: 32, steps: 4, progressIntervalMs: 10 },
  };
  return {
    local: { description: "fake servers", roles: { diffuser: a1111Role, editor: a1111Role, checker: vlmRole, actor: vlmRole, judge: vlmRole } },
    "missing-key": { roles: { checker: { ...vlmRole, apiKeyEnv: "TEST_UNSET_KEY" } } },
    // The worker's own embedded world at a model's pace (what the e2e live-viewer test relies on).
    paced: { roles: { checker: { backend: "sim", options: { latencyMs: 120 } } } },
    // Port 9 is one fetch refuses at once ("bad port"): a server that cannot be reached.
    unreachable: { roles: { checker: { backend: "openai-compatible", model: "m", baseURL: "http://127.0.0.1:9/v1", maxRetries: 0 } } },
  };
}

async function queue(profile: string, prompt = "a cup left of a laptop") {
  return createRun({ input: prompt, prompt, target: parseSceneGraphInput(prompt), settings: runSettingsSchema.parse({ seed: 3, maxIterations: 4, patience: 4, profile }) });
}

function waitForEnd(runId: string, seen: RunStreamEvent[] = []): Promise<RunStreamEvent> {
  return new Promise((resolve) => {
    const unsubscribe = subscribeRunEvents(runId, (event) => {
      seen.push(event);
      if (event.type === "status" && ["succeeded", "failed", "cancelled"].includes(event.status)) {
        unsubscribe();
        resolve(event);
      }
    });
  });
}

const box = (x: number) => ({ x, y: 0.5, width: 0.15, height: 0.15 });

beforeAll(async () => {
  vlm = await startFakeOpenAi({ apiKey: VLM_KEY });
  images = await startServer(async (req, res) => {
    if (req.url.startsWith("/sdapi/v1/progress")) {
      samplingStep = Math.min(4, samplingStep + 1);
      return sendJson(res, 200, { progress: samplingStep / 4, eta_relative: 0, state: { job_count: 1, sampling_step: samplingStep, sampling_steps: 4 }, current_image: null });
    }
    // Slow enough for a few progress polls.
    samplingStep = 0;
    await new Promise((resolve) => setTimeout(resolve, 120));
    const body = JSON.parse(req.body.toString()) as { seed: number };
    sendJson(res, 200, { images: [await solidPngBase64(32, 32, [40, 90, 160, 255])], parameters: {}, info: JSON.stringify({ seed: body.seed }) });
  });
  configDir = await mkdtemp(path.join(tmpdir(), "rig-profiles-"));
  await writeConfig(localProfiles());
  process.env.RIG_CONFIG = path.join(configDir, "rig.config.json");
  process.env.TEST_VLM_KEY = VLM_KEY;
  process.env.TEST_A1111_PASSWORD = A1111_PASSWORD;
  delete process.env.TEST_UNSET_KEY;
});

afterAll(async () => {
  await vlm.close();
  await images.close();
  await rm(configDir, { recursive: true, force: true });
  for (const key of ["RIG_CONFIG", "TEST_VLM_KEY", "TEST_A1111_PASSWORD"]) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("run worker on back-end profiles", () => {
  it("executes a run on a profile served by local servers, records its back ends and prompt versions, streams sampling progress, and leaks no key", async () => {
    const consoleLines: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleLines.push(args.map(String).join(" ")));
    }
    vlm.queue(
      answer({ objects: [{ id: "o1", label: "laptop", attributes: [], box: box(0.2) }, { id: "o2", label: "cup", attributes: [], box: box(0.7) }], relations: [] }),
      answer({ instruction: "Move the cup to the left of the laptop." }),
      answer({ objects: [{ id: "a", label: "cup", attributes: [], box: box(0.1) }, { id: "b", label: "laptop", attributes: [], box: box(0.5) }], relations: [{ subject: "a", predicate: "left of", object: "b" }] }),
      answer({ score: 9, rationale: "the cup is left of the laptop" }),
    );
    const { id } = await queue("local");
    const seen: RunStreamEvent[] = [];
    const end = waitForEnd(id, seen);
    const worker = new RunWorker({ listener: evaluationListener, concurrency: 1, pollIntervalMs: 20, createRoles: () => sharedRoles, log, progressIntervalMs: 0 });
    await worker.start();
    expect(await end).toMatchObject({ status: "succeeded", stopReason: "target-reached" });
    await worker.stop();

    const run = (await getRunDetail(id))!;
    expect(run.settings.profile).toBe("local");
    expect(run.backends).toEqual({
      profile: "local",
      roles: { diffuser: "a1111:sdxl", checker: "openai-compatible:test-vlm", actor: "openai-compatible:test-vlm", editor: "a1111:sdxl", judge: "openai-compatible:test-vlm" },
      promptVersions: { checker: expect.any(String), actor: expect.any(String), judge: expect.any(String) },
    });
    expect(run.iterations).toHaveLength(2);
    expect(run.judgement).toMatchObject({ score: 9 });
    // The VLM roles do not honour seeds (capability catalogue): the loop warns on the step.
    expect(run.iterations[0]!.warnings.join("\n")).toMatch(/seed/);
    expect(images.requests.some((request) => request.url.startsWith("/sdapi/v1/progress"))).toBe(true);

    // The live stream got the back ends and throttled sampling progress, tied to the iteration in flight.
    expect(seen.find((event) => event.type === "backends")).toMatchObject({ backends: { profile: "local" } });
    const progress = seen.filter((event) => event.type === "progress");
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ iteration: 0, role: "diffuser", total: 4, stage: "sampling" });
    expect(progress.some((event) => event.type === "progress" && event.role === "editor" && event.iteration === 1)).toBe(true);

    // No key anywhere: the database file, every row, the API's answers, the logs.
    const secrets = [VLM_KEY, A1111_PASSWORD, Buffer.from(`rig:${A1111_PASSWORD}`).toString("base64")];
    const rows = JSON.stringify({
      runs: await db().run.findMany(),
      iterations: await db().iteration.findMany({ select: { instruction: true, detected: true, critique: true, warnings: true, seeds: true, durationsMs: true } }),
    });
    const file = path.join(dataDir(), "rig.db");
    const bytes = [file, `${file}-wal`].filter((name) => existsSync(name)).map((name) => readFileSync(name).toString("latin1")).join("");
    const runResponse = await (await getRunRoute(new Request(`http://localhost/api/runs/${id}`), { params: Promise.resolve({ id }) })).text();
    const profilesResponse = await (await listProfilesRoute()).text();
    for (const secret of secrets) {
      for (const [where, text] of Object.entries({ rows, bytes, runResponse, profilesResponse, events: JSON.stringify(seen), logs: logs.join("\n"), console: consoleLines.join("\n") })) {
        expect(text.includes(secret), `${where} holds a key`).toBe(false);
      }
    }
    // The API never says where the servers are or which variables hold the keys.
    for (const text of [runResponse, profilesResponse]) {
      expect(text).not.toContain(vlm.baseURL);
      expect(text).not.toContain(images.url);
      expect(text).not.toContain("TEST_VLM_KEY");
      expect(text).not.toContain("TEST_A1111_PASSWORD");
    }
  });

  it("runs a profile's sim roles on the worker's one world with the profile's options (a Checker latency)", async () => {
    const { id } = await queue("paced", "a cat left of a dog; the dog left of the cat");
    const end = waitForEnd(id);
    const worker = new RunWorker({ listener: evaluationListener, concurrency: 1, pollIntervalMs: 20, createRoles: () => sharedRoles, log });
    await worker.start();
    expect(await end).toMatchObject({ status: "succeeded" });
    await worker.stop();
    const run = (await getRunDetail(id))!;
    expect(run.backends?.roles.checker).toBe("sim");
    expect(run.iterations.length).toBeGreaterThan(1);
    // A lower bound only: each Checker call waited its 120 ms however fast or loaded the machine is.
    for (const iteration of run.iterations) expect(iteration.durationsMs.checker).toBeGreaterThanOrEqual(115);
  });

  it("fails a run whose profile names a key variable that is not set, with the reason stored and shown, at once", async () => {
    const { id } = await queue("missing-key");
    const end = waitForEnd(id);
    const worker = new RunWorker({ listener: evaluationListener, concurrency: 1, pollIntervalMs: 20, createRoles: () => sharedRoles, log });
    await worker.start();
    const event = await end;
    await worker.stop();
    expect(event).toMatchObject({ status: "failed", error: expect.stringMatching(/profile "missing-key": checker: environment variable TEST_UNSET_KEY is not set/) });
    const run = (await getRunDetail(id))!;
    expect(run).toMatchObject({ status: "failed", stopReason: "failed", iterationCount: 0, backends: null });
    expect(run.error).toMatch(/TEST_UNSET_KEY is not set/);
    expect(logs.some((line) => line.includes(id) && line.includes("TEST_UNSET_KEY"))).toBe(true);
  });

  it("fails a run whose back end cannot be reached; the stored error names the kind of server, not its address", async () => {
    const { id } = await queue("unreachable");
    const end = waitForEnd(id);
    const worker = new RunWorker({ listener: evaluationListener, concurrency: 1, pollIntervalMs: 20, createRoles: () => sharedRoles, log });
    await worker.start();
    const event = await end;
    await worker.stop();
    expect(event).toMatchObject({ status: "failed" });
    const run = (await getRunDetail(id))!;
    expect(run.error).toMatch(/^checker: .*<openai-compatible server>/);
    expect(run.error).not.toContain("127.0.0.1:9");
    expect(run.backends?.roles.checker).toBe("openai-compatible:m");
    // The server's own log keeps the address, for whoever runs it.
    expect(logs.some((line) => line.includes(id) && line.includes("127.0.0.1:9"))).toBe(true);
  });

  it("fails a run whose profile was removed from the config, and a run on a broken config, while sim runs go on", async () => {
    const removed = await queue("gone");
    const removedEnd = waitForEnd(removed.id);
    const worker = new RunWorker({ listener: evaluationListener, concurrency: 1, pollIntervalMs: 20, createRoles: () => sharedRoles, log });
    await worker.start();
    expect(await removedEnd).toMatchObject({ status: "failed", error: expect.stringMatching(/unknown profile "gone"; profiles: sim, local, missing-key, paced, unreachable/) });

    // The file changes under the running worker: it is read again.
    await writeFile(path.join(configDir, "rig.config.json"), "{ not json");
    const broken = await queue("local");
    const brokenEnd = waitForEnd(broken.id);
    worker.wake();
    expect(await brokenEnd).toMatchObject({ status: "failed", error: expect.stringMatching(/config is broken: rig\.config\.json: not valid JSON/) });
    const sim = await queue("sim", "a red cup left of a blue laptop");
    const simEnd = waitForEnd(sim.id);
    worker.wake();
    expect(await simEnd).toMatchObject({ status: "succeeded" });
    await worker.stop();
    expect((await getRunDetail(sim.id))!.backends).toEqual({ profile: "sim", roles: { diffuser: "sim", checker: "sim", actor: "sim", editor: "sim", judge: "sim" }, promptVersions: {} });
    await writeConfig(localProfiles());
  });

  it("runs an evaluation on a profile: items one at a time at RIG_EVAL_CONCURRENCY_A1111=1, iteration 0 judged by the profile's Judge", async () => {
    // Answers by the schema asked for; the Checker alternates "violated" (iteration 0) and "satisfied" (iteration 1).
    let checks = 0;
    const byRole: Reply = (request, response) => {
      const format = JSON.stringify((request.body as { response_format?: unknown }).response_format ?? {});
      if (format.includes('"instruction"')) return answer({ instruction: "Move the cup to the left of the laptop." })(request, response);
      if (format.includes('"score"')) return answer({ score: 7, rationale: "judged" })(request, response);
      checks += 1;
      return checks % 2 === 1
        ? answer({ objects: [{ id: "o1", label: "laptop", attributes: [], box: box(0.2) }, { id: "o2", label: "cup", attributes: [], box: box(0.7) }], relations: [] })(request, response)
        : answer({ objects: [{ id: "a", label: "cup", attributes: [], box: box(0.1) }, { id: "b", label: "laptop", attributes: [], box: box(0.5) }], relations: [{ subject: "a", predicate: "left of", object: "b" }] })(request, response);
    };
    vlm.queue(byRole);
    const judgeCallsBefore = vlm.requests.filter((request) => JSON.stringify(request.body).includes('"score"')).length;
    const { id } = await submitEvaluation({ name: "on fake servers", format: "text", text: "a cup left of a laptop\na cup left of a laptop\n", settings: { profile: "local", maxIterations: 3, patience: 3 } });
    const worker = new RunWorker({ listener: evaluationListener, concurrency: 2, evaluationConcurrency: { a1111: 1 }, pollIntervalMs: 20, createRoles: () => sharedRoles, log, progressIntervalMs: 0 });
    await worker.start();
    let detail = await getEvaluationDetail(id);
    for (let waited = 0; !["succeeded", "failed"].includes(detail.evaluation.status) && waited < 400; waited += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      detail = await getEvaluationDetail(id);
    }
    await worker.stop();
    expect(detail.evaluation).toMatchObject({ status: "succeeded", settings: { profile: "local" } });
    expect(detail.backends).toMatchObject({ profile: "local", roles: { judge: "openai-compatible:test-vlm" } });
    for (const item of detail.items) {
      expect(item.result).toMatchObject({ status: "done", oneShot: { judge: 7 }, loop: { judge: 7, iteration: 1 } });
    }
    // Each item: the loop's Judge on the best, and the profile's Judge again on iteration 0.
    expect(vlm.requests.filter((request) => JSON.stringify(request.body).includes('"score"')).length - judgeCallsBefore).toBe(4);
    const times = (await db().run.findMany({ where: { id: { in: detail.items.map((item) => item.runId) } }, orderBy: { startedAt: "asc" } })).map((row) => [row.startedAt!.getTime(), row.finishedAt!.getTime()] as const);
    expect(times[1]![0]).toBeGreaterThanOrEqual(times[0]![1]);
  });
});
