import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { commitIteration, finishRun } from "@/lib/db/run-execution";
import { useTestDatabase } from "@/lib/db/test-support";
import { putPng } from "@/lib/images/store";
import { publishRunEvent, subscriberCount } from "@/lib/jobs/event-bus";
import { apiErrorSchema, runDetailSchema, runListResponseSchema, runStreamEventSchema, type RunStreamEvent } from "@/lib/schemas/run";
import { GET as getImage } from "./images/[id]/route";
import { POST as cancelRun } from "./runs/[id]/cancel/route";
import { GET as streamEvents } from "./runs/[id]/events/route";
import { GET as getRun } from "./runs/[id]/route";
import { DELETE as revokeShare, POST as shareRun } from "./runs/[id]/share/route";
import { GET as listRuns, POST as createRun } from "./runs/route";
import { GET as getShared } from "./share/[token]/route";

useTestDatabase();

const base = "http://localhost";
const params = <T extends Record<string, string>>(value: T) => ({ params: Promise.resolve(value) });
const post = (body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
  createRun(new Request(`${base}/api/runs`, { method: "POST", body, headers }));
const runCount = () => db().run.count();

async function expectError(response: Response, status: number, code: string | RegExp) {
  expect(response.status).toBe(status);
  const body = apiErrorSchema.parse(await response.json());
  expect(body.error.code).toMatch(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error.message;
}

async function createOne(input = "a photo of a dog right of a teddy bear"): Promise<string> {
  const response = await post(JSON.stringify({ input }));
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

describe("POST /api/runs", () => {
  it("stores a text prompt as a queued run and returns 201 {id}", async () => {
    const id = await createOne();
    const run = runDetailSchema.parse(await (await getRun(new Request(`${base}/api/runs/${id}`), params({ id }))).json());
    expect(run).toMatchObject({ id, status: "queued", prompt: "a photo of a dog right of a teddy bear", iterations: [] });
    expect(run.target.relations).toHaveLength(1);
    expect(run.settings).toEqual({ seed: 1, maxIterations: 6, targetSgIoU: 1, patience: 3, profile: "sim" });
    expect(run.backends).toBeNull();
  });

  it("takes a JSON scene graph and draws its text", async () => {
    const graph = { objects: [{ id: "c", label: "cup", attributes: ["red"] }, { id: "l", label: "laptop" }], relations: [{ subject: "c", predicate: "left of", object: "l" }] };
    const response = await post(JSON.stringify({ input: JSON.stringify(graph), settings: { seed: 5, maxIterations: 3 } }));
    const { id } = (await response.json()) as { id: string };
    const run = runDetailSchema.parse(await (await getRun(new Request(`${base}/api/runs/${id}`), params({ id }))).json());
    expect(run.prompt).toBe("red cup left of laptop");
    expect(run.settings).toMatchObject({ seed: 5, maxIterations: 3 });
  });

  it("refuses bad input with a 4xx JSON error and writes nothing", async () => {
    const before = await runCount();
    await expectError(await post("{not json"), 400, "bad_request:json");
    await expectError(await post(""), 400, "bad_request:json");
    await expectError(await post(JSON.stringify({ input: "   " })), 400, "bad_request:input");
    expect(await expectError(await post(JSON.stringify({ input: "a".repeat(2001) })), 400, "bad_request:input")).toMatch(/2000/);
    await expectError(await post("x".repeat(70_000)), 413, "payload_too_large:body");
    expect(await expectError(await post(JSON.stringify({ input: "a cat", settings: { profile: "dall-e" } })), 400, "bad_request:profile")).toMatch(/^settings\.profile: unknown profile "dall-e"; available profiles: sim/);
    // The old field name is an alias of profile.
    expect(await expectError(await post(JSON.stringify({ input: "a cat", settings: { backend: "dall-e" } })), 400, "bad_request:profile")).toMatch(/settings\.profile/);
    await expectError(await post(JSON.stringify({ input: "a cat", settings: { profile: "http://evil.example/v1" } })), 400, "bad_request:profile");
    await expectError(await post(JSON.stringify({ input: "a cat", settings: { seed: -1 } })), 400, "bad_request:settings");
    await expectError(await post(JSON.stringify({ input: "a cat", extra: 1 })), 400, "bad_request:body");
    await expectError(await post(JSON.stringify(["a cat"])), 400, "bad_request:body");
    expect(await expectError(await post(JSON.stringify({ input: '{"objects": [{"id": "a"}]' })), 400, "bad_request:input")).toMatch(/invalid JSON/);
    expect(await expectError(await post(JSON.stringify({ input: '{"objects": [{"id": "a"}]}' })), 400, "bad_request:input")).toMatch(/label/);
    expect(await runCount()).toBe(before);
  });
});

describe("GET /api/runs and /api/runs/[id]", () => {
  it("lists, searches and paginates", async () => {
    await createOne("a green apple on a book");
    const response = await listRuns(new Request(`${base}/api/runs?query=APPLE&pageSize=5`));
    const list = runListResponseSchema.parse(await response.json());
    expect(list.total).toBe(1);
    expect(list.runs[0]!.prompt).toBe("a green apple on a book");
    await expectError(await listRuns(new Request(`${base}/api/runs?page=0`)), 400, "bad_request:query");
    await expectError(await listRuns(new Request(`${base}/api/runs?pageSize=1000`)), 400, "bad_request:query");
  });

  it("answers 400 for a malformed id and 404 for an unknown one", async () => {
    await expectError(await getRun(new Request(`${base}/api/runs/x`), params({ id: "../etc" })), 400, "bad_request:id");
    const unknown = "c".repeat(25);
    await expectError(await getRun(new Request(`${base}/api/runs/${unknown}`), params({ id: unknown })), 404, "not_found:run");
    await expectError(await cancelRun(new Request(`${base}/`, { method: "POST" }), params({ id: unknown })), 404, "not_found:run");
  });
});

describe("sharing", () => {
  it("creates a link, serves the run read-only, and 404s once revoked", async () => {
    const id = await createOne();
    const shared = (await (await shareRun(new Request(`${base}/`, { method: "POST" }), params({ id }))).json()) as { token: string; url: string };
    expect(shared.url).toBe(`/s/${shared.token}`);
    const response = await getShared(new Request(`${base}/`), params({ token: shared.token }));
    expect(runDetailSchema.parse(await response.json()).id).toBe(id);
    expect((await revokeShare(new Request(`${base}/`, { method: "DELETE" }), params({ id }))).status).toBe(204);
    await expectError(await getShared(new Request(`${base}/`), params({ token: shared.token })), 404, "not_found:share");
    await expectError(await getShared(new Request(`${base}/`), params({ token: "nope" })), 404, "not_found:share");
    await expectError(await shareRun(new Request(`${base}/`, { method: "POST" }), params({ id: "c".repeat(25) })), 404, "not_found:run");
  });
});

describe("sharing with an expiry", () => {
  it("takes expiresInDays and refuses a lifetime out of range with a 400 naming the field", async () => {
    const id = await createOne();
    const post = (body: unknown) => shareRun(new Request(`${base}/`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }), params({ id }));
    const before = Date.now();
    const shared = (await (await post({ expiresInDays: 7 })).json()) as { expiresAt: string };
    const lifetime = Date.parse(shared.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(lifetime).toBeLessThan(7 * 86_400_000 + 60_000);
    for (const body of [{ expiresInDays: 0 }, { expiresInDays: 366 }, { expiresInDays: 1.5 }, { expires: 3 }]) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("bad_request:body");
    }
  });
});

describe("POST /api/runs/[id]/cancel", () => {
  it("cancels a queued run", async () => {
    const id = await createOne();
    const response = await cancelRun(new Request(`${base}/`, { method: "POST" }), params({ id }));
    expect(await response.json()).toEqual({ status: "cancelled" });
  });
});

describe("GET /api/images/[id]", () => {
  it("serves stored images with immutable caching, thumbnails as WebP, 400/404 otherwise", async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 4, background: "#3366ff" } }).png().toBuffer();
    const id = await putPng(png);
    const response = await getImage(new Request(`${base}/api/images/${id}`), params({ id }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
    const thumb = await getImage(new Request(`${base}/api/images/${id}?variant=thumb`), params({ id }));
    expect(thumb.headers.get("content-type")).toBe("image/webp");
    await expectError(await getImage(new Request(`${base}/`), params({ id: "zz" })), 400, "bad_request:id");
    await expectError(await getImage(new Request(`${base}/?variant=huge`), params({ id })), 400, "bad_request:variant");
    await expectError(await getImage(new Request(`${base}/`), params({ id: "f".repeat(64) })), 404, "not_found:image");
  });
});

/** Reads server-sent events until the stream closes or `stopAfter` events arrived. */
async function readEvents(response: Response, stopAfter = Infinity): Promise<RunStreamEvent[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: RunStreamEvent[] = [];
  let buffer = "";
  while (events.length < stopAfter) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split("\n").find((line) => line.startsWith("data: "));
      if (data) events.push(runStreamEventSchema.parse(JSON.parse(data.slice(6))));
    }
  }
  await reader.cancel();
  return events;
}

describe("GET /api/runs/[id]/events", () => {
  it("sends a snapshot, then back ends, progress, iterations and status as they land, and closes after a finished status", async () => {
    const id = await createOne();
    await db().run.update({ where: { id }, data: { status: "running" } });
    const controller = new AbortController();
    const response = await streamEvents(new Request(`${base}/api/runs/${id}/events`, { signal: controller.signal }), params({ id }));
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reading = readEvents(response);

    const png = await sharp({ create: { width: 8, height: 8, channels: 4, background: "#ff0000" } }).png().toBuffer();
    const imageId = await putPng(png);
    const critique = { triples: [], missingObjects: [], extraObjects: [], attributeMismatches: [], matches: {}, locations: {}, depths: {}, summary: "ok" };
    const stored = { index: 0, imageId, instruction: null, detected: { objects: [], relations: [] }, critique, metrics: { sgIoU: 0.5, entityIoU: 1, relationIoU: 0 }, durationsMs: { checker: 1 }, seeds: { checker: 1 }, warnings: [] };
    publishRunEvent(id, { type: "backends", backends: { profile: "sim", roles: { diffuser: "sim" }, promptVersions: {} } });
    publishRunEvent(id, { type: "progress", iteration: 0, role: "diffuser", done: 4, total: 20, stage: "sampling" });
    const { view } = await commitIteration(id, stored);
    publishRunEvent(id, { type: "iteration", iteration: view });
    publishRunEvent(id, { type: "iteration", iteration: view });
    // Progress of an iteration that has landed is stale and not sent; the next iteration's is.
    publishRunEvent(id, { type: "progress", iteration: 0, role: "diffuser", done: 20, total: 20 });
    publishRunEvent(id, { type: "progress", iteration: 1, role: "editor", done: 1, total: 20 });
    await finishRun(id, { status: "succeeded", stopReason: "budget-spent", error: null });
    publishRunEvent(id, { type: "status", status: "succeeded", error: null, stopReason: "budget-spent" });

    const events = await reading;
    expect(events.map((event) => event.type)).toEqual(["snapshot", "backends", "progress", "iteration", "progress", "status"]);
    expect(events[4]).toMatchObject({ type: "progress", iteration: 1, role: "editor" });
    expect(subscriberCount(id)).toBe(0);

    // A finished run: the snapshot alone, then the stream ends.
    const again = await streamEvents(new Request(`${base}/api/runs/${id}/events`), params({ id }));
    const replay = await readEvents(again);
    expect(replay).toHaveLength(1);
    expect(replay[0]).toMatchObject({ type: "snapshot", run: { status: "succeeded", iterationCount: 1 } });
  });

  it("unsubscribes when the client goes away, and 404s for an unknown run", async () => {
    const id = await createOne();
    const controller = new AbortController();
    const response = await streamEvents(new Request(`${base}/`, { signal: controller.signal }), params({ id }));
    const first = await readEvents(response, 1);
    expect(first[0]?.type).toBe("snapshot");
    expect(subscriberCount(id)).toBe(0);
    const other = await streamEvents(new Request(`${base}/`, { signal: controller.signal }), params({ id }));
    expect(subscriberCount(id)).toBe(1);
    controller.abort();
    expect(subscriberCount(id)).toBe(0);
    await other.body?.cancel().catch(() => {});
    await expectError(await streamEvents(new Request(`${base}/`), params({ id: "c".repeat(25) })), 404, "not_found:run");
  });
});
