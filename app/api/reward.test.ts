import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/lib/db/test-support";
import { putPng } from "@/lib/images/store";
import { createSimRoles } from "@/lib/pipeline/backends/sim";
import { encodePng } from "@/lib/pipeline/image/png";
import { parseSceneGraphInput } from "@/lib/pipeline/scene-graph/parse-input";
import { apiErrorSchema } from "@/lib/schemas/run";
import { rewardResponseSchema } from "@/lib/schemas/reward";
import { POST as reward } from "./reward/route";

useTestDatabase();

const TOKEN = "reward-token-0123456789abcdef";
const PROMPT = "a cat left of a dog";
let image = "";
let imageId = "";

const call = (body: unknown, options: { token?: string | null; query?: string } = {}) =>
  reward(
    new Request(`http://localhost/api/reward${options.query ?? ""}`, {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
      headers: { "content-type": "application/json", ...(options.token === null ? {} : { authorization: `Bearer ${options.token ?? TOKEN}` }) },
    }),
  );
const batch = (labels: unknown[]) => ({ query: labels.map(() => "move the cat left"), prompts: labels.map(() => PROMPT), labels });

async function expectError(response: Response, status: number, message: RegExp) {
  expect(response.status).toBe(status);
  expect(apiErrorSchema.parse(await response.json()).error.message).toMatch(message);
}

beforeAll(async () => {
  process.env.RIG_REWARD_TOKEN = TOKEN;
  const sim = createSimRoles();
  // An image of the embedded world drawn for the prompt, as an RL engine's environment would send it.
  const drawn = await sim.diffuser.generate(PROMPT, { seed: 3 });
  const png = await encodePng(drawn.image);
  image = png.toString("base64");
  imageId = await putPng(png);
  expect(parseSceneGraphInput(PROMPT).relations).toHaveLength(1);
});
afterAll(() => {
  delete process.env.RIG_REWARD_TOKEN;
});

describe("POST /api/reward", () => {
  it("answers OpenRLHF's format: one reward per sample, from the Checker's reading against each label's target", async () => {
    const response = await call(
      batch([
        { target: PROMPT, image },
        JSON.stringify({ target: "a cat right of a dog", image: `data:image/png;base64,${image}` }),
        { target: { objects: [{ id: "z", label: "zebra" }], relations: [] }, imageId },
      ]),
    );
    expect(response.status).toBe(200);
    const body = rewardResponseSchema.parse(await response.json());
    expect(body.rewards).toHaveLength(3);
    expect(body.scores).toEqual(body.rewards);
    for (const key of ["entity_iou", "relation_iou", "objects_found", "checker_ms"]) expect(body.extra_logs[key], key).toHaveLength(3);
    for (const value of body.rewards) expect(value).toBeGreaterThanOrEqual(0);
    // One-shot images often get the relation wrong, so the image matches exactly one of the prompt
    // and its mirror image (the sim Checker reads two-object scenes exactly); a zebra matches nothing.
    expect([...body.rewards.slice(0, 2)].sort()).toEqual([0, 1]);
    expect(body.extra_logs.entity_iou!.slice(0, 2)).toEqual([1, 1]);
    expect(body.rewards[2]).toBe(0);
    expect(body.extra_logs.entity_iou![2]).toBe(0);
  });

  it("needs RIG_REWARD_TOKEN as a bearer, and is off without one", async () => {
    await expectError(await call(batch([{ target: PROMPT, image }]), { token: null }), 401, /Bearer <RIG_REWARD_TOKEN>/);
    await expectError(await call(batch([{ target: PROMPT, image }]), { token: "not-the-reward-token" }), 401, /Bearer/);
    delete process.env.RIG_REWARD_TOKEN;
    try {
      await expectError(await call(batch([{ target: PROMPT, image }])), 404, /set RIG_REWARD_TOKEN/);
    } finally {
      process.env.RIG_REWARD_TOKEN = TOKEN;
    }
  });

  it("mode=edit: the Editor applies each response as an instruction, and the reward is the edit's gain", async () => {
    // Two images, one per mirror prompt: exactly one shows the cat left of the dog.
    const scored = rewardResponseSchema.parse(await (await call(batch([{ target: PROMPT, image }, { target: "a cat right of a dog", image }]))).json());
    const wrongTarget = scored.rewards[0] === 0 ? PROMPT : "a cat right of a dog";
    const fix = wrongTarget === PROMPT ? "move the cat to the left of the dog" : "move the cat to the right of the dog";
    const prompt = "Write one edit instruction. ";
    const response = await call(
      { query: [prompt + fix, prompt + "paint the sky purple", fix], prompts: [prompt, prompt, "unrelated prompt"], labels: [{ target: wrongTarget, image }, { target: wrongTarget, image }, { target: wrongTarget, image }] },
      { query: "?mode=edit&profile=sim" },
    );
    expect(response.status).toBe(200);
    const body = rewardResponseSchema.parse(await response.json());
    expect(body.extra_logs.sg_iou_before).toEqual([0, 0, 0]);
    expect(body.extra_logs.followed).toEqual([1, 0, 1]);
    expect(body.rewards[0], "the fix gains").toBeGreaterThan(0.5);
    expect(body.scores[0]).toBe(1);
    expect(body.rewards[1], "an instruction the Editor cannot follow costs the penalty").toBeCloseTo(-0.1, 6);
    expect(body.rewards[2], "a query that does not start with its prompt is the instruction itself").toBeCloseTo(body.rewards[0]!, 6);
    await expectError(await call({ query: [prompt], prompts: [prompt], labels: [{ target: PROMPT, image }] }, { query: "?mode=edit" }), 400, /query\[0\]: no instruction/);
    await expectError(await call(batch([{ target: PROMPT, image }]), { query: "?mode=guess" }), 400, /mode must be score or edit/);
  });

  it("refuses bad batches with a 400 that says which sample and what is wrong", async () => {
    await expectError(await call("{nope"), 400, /not valid JSON/);
    await expectError(await call({ query: ["a"], labels: [] }), 400, /one entry per query/);
    await expectError(await call(batch(Array.from({ length: 65 }, () => ({ target: PROMPT, image })))), 400, /at most 64/);
    await expectError(await call(batch([{ target: PROMPT, image }, "not json"])), 400, /labels\[1\]: not JSON/);
    await expectError(await call(batch([{ target: PROMPT }])), 400, /labels\[0\]: .*exactly one of image/);
    await expectError(await call(batch([{ target: PROMPT, image: "%%%% not base64 %%%%" }])), 400, /labels\[0\]\.image: not base64/);
    await expectError(await call(batch([{ target: PROMPT, image: Buffer.from("this is no picture at all").toString("base64") }])), 400, /labels\[0\]\.image: not a PNG/);
    await expectError(await call(batch([{ target: PROMPT, imageId: "0".repeat(64) }])), 400, /labels\[0\]\.imageId: no image/);
    await expectError(await call(batch([{ target: "{\"objects\": 3}", image }])), 400, /labels\[0\]\.target: invalid scene graph/);
    await expectError(await call(batch([{ target: PROMPT, image }]), { query: "?profile=gpu" }), 400, /\?profile= unknown profile "gpu"/);
  });
});
