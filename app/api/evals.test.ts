import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/db/test-support";
import { MAX_DATASET_BYTES } from "@/lib/schemas/evaluation";
import { apiErrorSchema } from "@/lib/schemas/run";
import { POST as cancelEvaluation } from "./evals/[id]/cancel/route";
import { GET as exportEvaluation } from "./evals/[id]/export/route";
import { GET as getEvaluation } from "./evals/[id]/route";
import { GET as listEvaluations, POST as createEvaluation } from "./evals/route";

useTestDatabase();

const base = "http://localhost";
const geneval = readFileSync(new URL("../../e2e/data/evals-geneval.jsonl", import.meta.url), "utf8");
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const rowCounts = async () => [await db().evaluation.count(), await db().evaluationItem.count(), await db().run.count()];

function upload(text: string, fields: Record<string, string> = {}, fileName = "prompts.jsonl") {
  const form = new FormData();
  form.set("file", new File([text], fileName));
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  return createEvaluation(new Request(`${base}/api/evals`, { method: "POST", body: form }));
}

async function expectError(response: Response, status: number, code: string | RegExp) {
  expect(response.status).toBe(status);
  const body = apiErrorSchema.parse(await response.json());
  expect(body.error.code).toMatch(code);
  return body.error.message;
}

describe("POST /api/evals", () => {
  it("takes the embedded Actor's policy from the form and gives it to every item run; refuses one the server does not have", async () => {
    const response = await upload(geneval, { format: "geneval", limit: "2", "settings.actorPolicy": "uniform" });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const detail = (await (await getEvaluation(new Request(`${base}/api/evals/${id}`), params(id))).json()) as { evaluation: { settings: { actorPolicy?: string } }; items: Array<{ runId: string }> };
    expect(detail.evaluation.settings.actorPolicy).toBe("uniform");
    const runs = await db().run.findMany({ where: { id: { in: detail.items.map((item) => item.runId) } }, select: { settings: true } });
    expect(runs.map((run) => (run.settings as { actorPolicy?: string }).actorPolicy)).toEqual(["uniform", "uniform"]);
    const before = await rowCounts();
    expect(await expectError(await upload(geneval, { format: "geneval", "settings.actorPolicy": "missing-checkpoint" }), 400, "bad_request:settings")).toMatch(/settings\.actorPolicy: no policy "missing-checkpoint"/);
    expect(await rowCounts()).toEqual(before);
    await cancelEvaluation(new Request(`${base}/api/evals/${id}/cancel`, { method: "POST" }), params(id));
  });

  it("starts an evaluation from a multipart upload, lists it, exports it and cancels it", async () => {
    const response = await upload(geneval, { format: "geneval", name: "upload test", limit: "2", "settings.maxIterations": "2" });
    expect(response.status).toBe(201);
    const { id, itemCount } = (await response.json()) as { id: string; itemCount: number };
    expect(itemCount).toBe(2);

    const detail = (await (await getEvaluation(new Request(`${base}/api/evals/${id}`), params(id))).json()) as {
      evaluation: { name: string; fileName: string; settings: { maxIterations: number; profile: string } };
      items: Array<{ runId: string; status: string }>;
      summary: unknown;
    };
    expect(detail.evaluation).toMatchObject({ name: "upload test", fileName: "prompts.jsonl", settings: { maxIterations: 2, profile: "sim" } });
    // Nothing has run yet: no back ends recorded.
    expect((detail as unknown as { backends: unknown }).backends).toBeNull();
    expect(detail.items).toHaveLength(2);
    expect(detail.summary).toBeNull();

    const list = (await (await listEvaluations()).json()) as { evaluations: Array<{ id: string; itemCount: number; finished: number }> };
    expect(list.evaluations.find((row) => row.id === id)).toMatchObject({ itemCount: 2, finished: 0, profile: "sim" });

    const csv = await exportEvaluation(new Request(`${base}/api/evals/${id}/export?format=csv`), params(id));
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect((await csv.text()).split("\r\n")[0]).toMatch(/^index,itemId,prompt,runId,status,scoredBy,simulatedRoles,oneShotSgIoU/);
    await expectError(await exportEvaluation(new Request(`${base}/api/evals/${id}/export?format=xml`), params(id)), 400, "bad_request:format");

    const cancelled = await cancelEvaluation(new Request(`${base}/api/evals/${id}/cancel`, { method: "POST" }), params(id));
    expect(await cancelled.json()).toEqual({ status: "cancelled" });
  });

  it("refuses bad uploads with a 4xx naming the problem and writes nothing", async () => {
    const before = await rowCounts();
    const badLine = await expectError(await upload(`${geneval}{"prompt": 3}\n`, { format: "geneval", name: "bad" }), 400, "bad_request:dataset");
    expect(badLine).toMatch(/^prompts\.jsonl:4: /);
    expect(await expectError(await upload(geneval, { format: "yaml", name: "bad" }), 400, "bad_request:format")).toMatch(/format must be one of/);
    expect(await expectError(await upload("  \n", { format: "text", name: "empty" }), 400, "bad_request:text")).toMatch(/empty/);
    await expectError(await upload("x".repeat(MAX_DATASET_BYTES + 1), { format: "text", name: "big" }), 413, "payload_too_large:dataset");
    expect(await expectError(await upload(geneval, { format: "geneval", name: "gpu", "settings.profile": "gpu" }), 400, "bad_request:profile")).toMatch(/^settings\.profile: unknown profile "gpu"; available profiles: sim/);
    const noFile = new FormData();
    noFile.set("format", "text");
    await expectError(await createEvaluation(new Request(`${base}/api/evals`, { method: "POST", body: noFile })), 400, "bad_request:file");
    const json = (body: string) => createEvaluation(new Request(`${base}/api/evals`, { method: "POST", body, headers: { "content-type": "application/json" } }));
    await expectError(await json("{nope"), 400, "bad_request:json");
    await expectError(await json(JSON.stringify({ name: "x", format: "text", text: "a cat", settings: { profile: "gpu" } })), 400, "bad_request:profile");
    expect(await rowCounts()).toEqual(before);
  });

  it("takes JSON, and 404s an unknown evaluation", async () => {
    const response = await createEvaluation(
      new Request(`${base}/api/evals`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "json", format: "text", text: "a red cup left of a laptop\n", settings: { seed: 9 } }),
      }),
    );
    expect(response.status).toBe(201);
    const missing = "c".repeat(25);
    await expectError(await getEvaluation(new Request(`${base}/api/evals/${missing}`), params(missing)), 404, "not_found:evaluation");
    await expectError(await getEvaluation(new Request(`${base}/api/evals/BAD`), params("BAD")), 400, "bad_request:id");
  });
});
