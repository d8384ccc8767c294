import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/db/test-support";
import { datasetFormats } from "@/lib/pipeline/datasets";
import { apiErrorSchema } from "@/lib/schemas/run";
import { POST as cancelEvaluation } from "./evals/[id]/cancel/route";
import { GET as exportEvaluation } from "./evals/[id]/export/route";
import { GET as getEvaluation } from "./evals/[id]/route";
import { POST as createEvaluation } from "./evals/route";
import { GET as exportRuns } from "./export/route";
import { GET as getImage } from "./images/[id]/route";
import { commitIteration } from "@/lib/db/run-execution";
import { POST as createBranch } from "./runs/[id]/branches/route";
import { POST as cancelRun } from "./runs/[id]/cancel/route";
import { GET as getTree } from "./runs/[id]/tree/route";
import { GET as getRollouts, POST as createRollouts } from "./runs/[id]/rollouts/route";
import { GET as getRun } from "./runs/[id]/route";
import { DELETE as revokeShare, POST as shareRun } from "./runs/[id]/share/route";
import { GET as listRuns, POST as createRun } from "./runs/route";
import { POST as reward } from "./reward/route";
import { POST as signIn } from "./session/route";
import { GET as getShared } from "./share/[token]/route";

/**
 * Every endpoint under random input: never a 5xx or a throw, a 4xx always carries a JSON error
 * with a message, and a rejected request leaves everything stored exactly as it was. Seeded;
 * FUZZ_RUNS scales the run count.
 */
useTestDatabase();

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const base = "http://localhost";
const params = <T extends Record<string, string>>(value: T) => ({ params: Promise.resolve(value) });
const fixture = (name: string) => readFileSync(new URL(`../../lib/pipeline/datasets/__fixtures__/${name}`, import.meta.url), "utf8");

/** Everything a request could change, in one comparable value. */
async function storedState(): Promise<string> {
  const [runs, iterations, evaluations, items] = await Promise.all([
    db().run.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true, shareToken: true, shareExpiresAt: true, updatedAt: true, settings: true } }),
    db().iteration.count(),
    db().evaluation.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true, updatedAt: true } }),
    db().evaluationItem.count(),
  ]);
  return JSON.stringify({ runs, iterations, evaluations, items });
}

/** The answer is never a 5xx; a 4xx is an API error, and then nothing stored changed. */
async function expectSafeAnswer(request: () => Promise<Response>): Promise<Response> {
  const before = await storedState();
  const response = await request();
  expect(response.status, `status ${response.status}`).toBeLessThan(500);
  if (response.status >= 400) {
    const body = apiErrorSchema.safeParse(await response.clone().json());
    expect(body.success, "a 4xx has an API error body").toBe(true);
    expect(body.data!.error.message.length).toBeGreaterThan(0);
    expect(await storedState(), "a rejected request changed nothing").toBe(before);
  }
  return response;
}

const jsonText = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value));
const anyText = fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.string({ maxLength: 60 }), jsonText);
/** Ids, tokens and path parameters: empty, huge, traversal, look-alikes of real ones. */
const pathParam = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.constantFrom("", ".", "..", "../../etc/passwd", "%00", "a".repeat(25), "A".repeat(43), "0".repeat(64), "c".repeat(5000)),
  fc.stringMatching(/^[a-z0-9]{20,40}$/),
  fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
  fc.stringMatching(/^[a-f0-9]{64}$/),
);
const noun = fc.constantFrom("cat", "dog", "red cup", "laptop", "bench", "zebra", "teddy bear", "🙂", "");
const predicate = fc.constantFrom("left of", "right of", "above", "below", "on", "under", "in front of", "behind", "next to", "eats", "");
const prompt = fc.tuple(noun, predicate, noun, fc.constantFrom("", "; a bird above the cat", ".", "  ")).map(([a, relation, b, tail]) => `a ${a} ${relation} a ${b}${tail}`);
const plausibleSettings = fc.record(
  {
    seed: fc.oneof(fc.integer(), fc.double()),
    maxIterations: fc.integer({ min: -2, max: 60 }),
    targetSgIoU: fc.double({ min: -1, max: 2, noNaN: false }),
    patience: fc.integer({ min: -2, max: 40 }),
    profile: fc.constantFrom("sim", "nope", ""),
  },
  { requiredKeys: [] },
);
const settings = fc.dictionary(fc.constantFrom("seed", "maxIterations", "targetSgIoU", "patience", "profile", "backend", "extra"), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 });
const runBody = fc.oneof(
  anyText,
  fc.record({ input: fc.oneof(fc.string({ maxLength: 300 }), jsonText, fc.jsonValue({ maxDepth: 2 })), settings }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  fc.record({ input: prompt, settings: plausibleSettings }, { requiredKeys: ["input"] }).map((value) => JSON.stringify(value)),
);

const shareBody = fc.oneof(
  anyText,
  fc.record({ expiresInDays: fc.oneof(fc.integer({ min: -5, max: 400 }), fc.double(), fc.jsonValue({ maxDepth: 1 })), extra: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
);

const critique = { triples: [], missingObjects: ["cup"], extraObjects: [], attributeMismatches: [], matches: {}, locations: {}, depths: {}, summary: "no cup" };
const branchBody = fc.oneof(
  anyText,
  fc
    .record(
      {
        iteration: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.double(), fc.string({ maxLength: 3 })),
        steer: fc.oneof(
          fc.record({ instruction: fc.oneof(fc.string({ maxLength: 600 }), fc.constantFrom("", "  ", "make the cup red")) }),
          fc.record({ critique: fc.oneof(fc.constant(critique), fc.jsonValue({ maxDepth: 2 })) }),
          fc.record({ instruction: fc.string({ maxLength: 10 }), critique: fc.constant(critique) }),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        budget: fc.integer({ min: -1, max: 25 }),
        settings: fc.oneof(settings, plausibleSettings),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
);

function jsonRequest(url: string, method: string, body: string | undefined): Request {
  return new Request(`${base}${url}`, { method, body, headers: { "content-type": "application/json" } });
}

let runId = "";
let evaluationId = "";
beforeAll(async () => {
  const created = await createRun(jsonRequest("/api/runs", "POST", JSON.stringify({ input: "a cup left of a laptop" })));
  runId = ((await created.json()) as { id: string }).id;
  const evaluation = await createEvaluation(jsonRequest("/api/evals", "POST", JSON.stringify({ name: "fuzz", format: "text", text: "a cat left of a dog\n" })));
  evaluationId = ((await evaluation.json()) as { id: string }).id;
  process.env.RIG_AUTH_TOKEN = "fuzz-token-0123456789abcdef";
  process.env.RIG_REWARD_TOKEN = "fuzz-reward-token-0123456789";
});
afterAll(() => {
  delete process.env.RIG_AUTH_TOKEN;
  delete process.env.RIG_REWARD_TOKEN;
});

describe("runs endpoints under random input", () => {
  it("POST /api/runs", async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(runBody, async (body) => {
        statuses.add((await expectSafeAnswer(() => createRun(jsonRequest("/api/runs", "POST", body)))).status);
      }),
      { numRuns: RUNS * 3, seed: 2201 },
    );
    // The inputs reach both sides: some runs are created, some are refused.
    expect(statuses).toContain(201);
    expect(statuses).toContain(400);
  });

  it("GET /api/runs with any query", async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom("query", "page", "pageSize", "status", "x"), fc.string({ maxLength: 30 }), { maxKeys: 4 }), async (query) => {
        await expectSafeAnswer(() => listRuns(new Request(`${base}/api/runs?${new URLSearchParams(query)}`)));
      }),
      { numRuns: RUNS, seed: 2202 },
    );
  });

  it("GET, cancel and share a run by any id, with any share body", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(pathParam, fc.constant("")), fc.option(shareBody, { nil: undefined }), async (id, body) => {
        await expectSafeAnswer(() => getRun(new Request(`${base}/api/runs/x`), params({ id })));
        await expectSafeAnswer(() => cancelRun(new Request(`${base}/`, { method: "POST" }), params({ id })));
        await expectSafeAnswer(() => shareRun(jsonRequest("/", "POST", body), params({ id })));
        await expectSafeAnswer(() => revokeShare(new Request(`${base}/`, { method: "DELETE" }), params({ id })));
      }),
      { numRuns: RUNS, seed: 2203 },
    );
  });

  it("share bodies on a real run: an accepted one is a link, a rejected one leaves the run unshared", async () => {
    await fc.assert(
      fc.asyncProperty(shareBody, async (body) => {
        const response = await expectSafeAnswer(() => shareRun(jsonRequest("/", "POST", body), params({ id: runId })));
        if (response.ok) await revokeShare(new Request(`${base}/`, { method: "DELETE" }), params({ id: runId }));
      }),
      { numRuns: RUNS, seed: 2204 },
    );
  });

  it("POST /api/runs/<id>/branches with any body and GET /api/runs/<id>/tree with any id", async () => {
    // A run with one stored iteration to branch from; no worker runs here, so branches stay queued.
    await commitIteration(runId, {
      index: 0,
      imageId: "0".repeat(64),
      instruction: null,
      detected: { objects: [], relations: [] },
      critique,
      metrics: { sgIoU: 0, entityIoU: 0, relationIoU: 0 },
      durationsMs: { checker: 1 },
      seeds: { checker: 1 },
      warnings: [],
    });
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(runId), pathParam), branchBody, async (id, body) => {
        statuses.add((await expectSafeAnswer(() => createBranch(jsonRequest("/", "POST", body), params({ id })))).status);
        const tree = await expectSafeAnswer(() => getTree(new Request(`${base}/`), params({ id })));
        expect([200, 400, 404]).toContain(tree.status);
      }),
      { numRuns: RUNS * 3, seed: 2212 },
    );
    expect(statuses).toContain(201);
    expect(statuses).toContain(400);
  });

  it("POST and GET /api/runs/<id>/rollouts with any body and id", async () => {
    const body = fc.oneof(anyText, fc.record({ iteration: fc.oneof(fc.integer({ min: -1, max: 2 }), fc.string({ maxLength: 2 })), groupSize: fc.oneof(fc.integer({ min: -1, max: 14 }), fc.double()), extra: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)));
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(runId), pathParam), fc.option(body, { nil: undefined }), async (id, text) => {
        statuses.add((await expectSafeAnswer(() => createRollouts(jsonRequest("/", "POST", text), params({ id })))).status);
        await expectSafeAnswer(() => getRollouts(new Request(`${base}/`), params({ id })));
      }),
      { numRuns: RUNS, seed: 2213 },
    );
    expect(statuses).toContain(400);
  });

  it("GET /api/export with any format and runs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(fc.constantFrom("verl", "trl", "openrlhf", "dpo", ""), { nil: undefined }), fc.array(fc.oneof(pathParam, fc.constant(runId)), { maxLength: 3 }), async (format, runs) => {
        const query = new URLSearchParams([...(format === undefined ? [] : [["format", format]]), ...runs.map((run) => ["run", run])]);
        await expectSafeAnswer(() => exportRuns(new Request(`${base}/api/export?${query}`)));
      }),
      { numRuns: RUNS, seed: 2211 },
    );
  });

  it("GET /api/share/<token> and /api/images/<id> for any token, id and variant", async () => {
    await fc.assert(
      fc.asyncProperty(pathParam, fc.option(fc.string({ maxLength: 12 }), { nil: undefined }), async (value, variant) => {
        const shared = await expectSafeAnswer(() => getShared(new Request(`${base}/`), params({ token: value })));
        expect(shared.status).toBe(404);
        const query = variant === undefined ? "" : `?variant=${encodeURIComponent(variant)}`;
        const image = await expectSafeAnswer(() => getImage(new Request(`${base}/api/images/x${query}`), params({ id: value })));
        expect([400, 404]).toContain(image.status);
      }),
      { numRuns: RUNS, seed: 2205 },
    );
  });
});

describe("evaluation endpoints under random input", () => {
  const datasets = fc.oneof(anyText, fc.constantFrom(fixture("geneval.jsonl"), fixture("dsg.jsonl"), fixture("laion-sg.jsonl")).chain((text) => fc.nat(text.length).map((cut) => text.slice(0, cut))));
  const evaluationBody = fc.oneof(
    anyText,
    fc
      .record(
        {
          name: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 1 })),
          format: fc.oneof(fc.constantFrom(...datasetFormats), fc.string({ maxLength: 12 })),
          text: datasets,
          limit: fc.jsonValue({ maxDepth: 1 }),
          sampleSeed: fc.jsonValue({ maxDepth: 1 }),
          lenient: fc.jsonValue({ maxDepth: 1 }),
          settings,
        },
        { requiredKeys: ["format", "text"] },
      )
      .map((value) => JSON.stringify(value)),
  );

  /** A real file of the right format, cut at a random line, with random options: mostly accepted. */
  const plausibleEvaluation = fc
    .constantFrom(["geneval", "geneval.jsonl"], ["dsg", "dsg.jsonl"], ["laion-sg", "laion-sg.jsonl"], ["text", "prompts.txt"], ["t2i-compbench", "t2i-compbench_val.txt"])
    .chain(([format, file]) => {
      const lines = fixture(file!).split("\n");
      return fc.record(
        {
          name: fc.string({ maxLength: 40 }),
          format: fc.constant(format),
          text: fc.integer({ min: 0, max: lines.length }).map((count) => lines.slice(0, count).join("\n")),
          limit: fc.integer({ min: -1, max: 5 }),
          lenient: fc.boolean(),
          settings: plausibleSettings,
        },
        { requiredKeys: ["format", "text"] },
      );
    })
    .map((value) => JSON.stringify(value));

  it("POST /api/evals (JSON)", async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(evaluationBody, plausibleEvaluation), async (body) => {
        statuses.add((await expectSafeAnswer(() => createEvaluation(jsonRequest("/api/evals", "POST", body)))).status);
      }),
      { numRuns: RUNS * 2, seed: 2206 },
    );
    expect(statuses).toContain(201);
    expect(statuses).toContain(400);
  });

  it("POST /api/evals (multipart, any fields)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom("format", "name", "limit", "sampleSeed", "lenient", "settings.seed", "settings.maxIterations", "settings.profile"), fc.string({ maxLength: 20 }), { maxKeys: 5 }),
        fc.option(datasets, { nil: undefined }),
        async (fields, file) => {
          const form = new FormData();
          for (const [name, value] of Object.entries(fields)) form.set(name, value);
          if (file !== undefined) form.set("file", new File([file], "fuzz.jsonl"));
          await expectSafeAnswer(() => createEvaluation(new Request(`${base}/api/evals`, { method: "POST", body: form })));
        },
      ),
      { numRuns: RUNS, seed: 2207 },
    );
  });

  it("GET, export and cancel an evaluation by any id and format", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(pathParam, fc.constant(evaluationId)), fc.string({ maxLength: 8 }), async (id, format) => {
        await expectSafeAnswer(() => getEvaluation(new Request(`${base}/`), params({ id })));
        await expectSafeAnswer(() => exportEvaluation(new Request(`${base}/x?format=${encodeURIComponent(format)}`), params({ id })));
        if (id !== evaluationId) await expectSafeAnswer(() => cancelEvaluation(new Request(`${base}/`, { method: "POST" }), params({ id })));
      }),
      { numRuns: RUNS, seed: 2208 },
    );
  });
});

describe("reward service under random input", () => {
  const label = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.string({ maxLength: 40 }),
    fc.record({ target: fc.oneof(prompt, fc.jsonValue({ maxDepth: 2 })), image: fc.oneof(fc.base64String({ maxLength: 200 }), fc.string({ maxLength: 40 })), imageId: pathParam, seed: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }),
  );
  const body = fc.oneof(
    anyText,
    fc.array(label, { maxLength: 4 }).chain((labels) => fc.record({ query: fc.array(fc.string({ maxLength: 10 }), { minLength: labels.length, maxLength: labels.length }), labels: fc.constant(labels) })).map((value) => JSON.stringify(value)),
  );

  it("POST /api/reward with any body, profile and mode", async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.option(fc.string({ maxLength: 12 }), { nil: undefined }), fc.constantFrom(undefined, "score", "edit", "x"), async (text, profile, mode) => {
        const query = `?${new URLSearchParams({ ...(profile === undefined ? {} : { profile }), ...(mode === undefined ? {} : { mode }) })}`;
        const request = new Request(`${base}/api/reward${query}`, { method: "POST", body: text, headers: { "content-type": "application/json", authorization: "Bearer fuzz-reward-token-0123456789" } });
        await expectSafeAnswer(() => reward(request));
      }),
      { numRuns: RUNS * 2, seed: 2210 },
    );
  });
});

describe("sign-in under random input", () => {
  it("never signs in without the exact token, and says why", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText, fc.string({ maxLength: 40 }).map((token) => JSON.stringify({ token }))), async (body) => {
        const response = await expectSafeAnswer(() => signIn(jsonRequest("/api/session", "POST", body)));
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.headers.get("set-cookie")).toBeNull();
      }),
      { numRuns: RUNS * 2, seed: 2209 },
    );
  });
});
