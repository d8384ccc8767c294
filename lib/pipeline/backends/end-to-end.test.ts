import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { answer, startFakeOpenAi, type FakeOpenAiServer } from "./openai-compatible/__fixtures__/fake-openai-server";
import { sendJson, solidPngBase64, startServer } from "./openai-images/__fixtures__/local-server";
import { resolveProfileByName } from "./registry";
import { runLoop } from "../loop/engine";
import type { LoopEvent } from "../loop/events";
import { sceneGraphMetrics } from "../metrics/scene-graph-iou";
import { parseSceneGraphInput } from "../scene-graph/parse-input";

/**
 * The whole Generate-Reflect-Edit loop with all five roles on local servers that speak the real
 * wire formats: Diffuser and Editor on a fake AUTOMATIC1111 (txt2img / img2img, Basic auth), the
 * Checker, Actor and Judge on a fake OpenAI-compatible chat completions server, resolved through a
 * profile in a rig.config.json.
 */
const vlmKey = "sk-e2e-vlm-0123456789abcdef";
const a1111Password = "e2e-a1111-password-4242";

let vlm: FakeOpenAiServer | undefined;
let images: Awaited<ReturnType<typeof startServer>> | undefined;
let dir: string | undefined;
afterEach(async () => {
  await vlm?.close();
  await images?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  vlm = images = dir = undefined;
});

const box = (x: number) => ({ x, y: 0.5, width: 0.15, height: 0.15 });

describe("end to end on local servers", () => {
  it("runs the loop with every role on a real back-end adapter and stops at target-reached on iteration 1", async () => {
    vlm = await startFakeOpenAi({ apiKey: vlmKey });
    images = await startServer(async (req, res) => {
      const body = JSON.parse(req.body.toString()) as { seed: number };
      sendJson(res, 200, { images: [await solidPngBase64(32, 32, [40, 90, 160, 255])], parameters: {}, info: JSON.stringify({ seed: body.seed }) });
    });
    const vlmRole = { backend: "openai-compatible", model: "test-vlm", baseURL: vlm.baseURL, apiKeyEnv: "E2E_VLM_KEY", maxRetries: 0 };
    const a1111Role = { backend: "a1111", model: "sdxl", baseURL: images.url, apiKeyEnv: "E2E_A1111_PASSWORD", maxRetries: 0, options: { username: "rig", width: 32, height: 32, steps: 4 } };
    dir = await mkdtemp(path.join(tmpdir(), "rig-e2e-"));
    await writeFile(
      path.join(dir, "rig.config.json"),
      JSON.stringify({ profiles: { local: { roles: { diffuser: a1111Role, editor: a1111Role, checker: vlmRole, actor: vlmRole, judge: vlmRole } } } }),
    );
    const env = { E2E_VLM_KEY: vlmKey, E2E_A1111_PASSWORD: a1111Password };
    const profile = await resolveProfileByName("local", { env, root: dir });
    expect(profile.backends).toEqual({ diffuser: "a1111:sdxl", checker: "openai-compatible:test-vlm", actor: "openai-compatible:test-vlm", editor: "a1111:sdxl", judge: "openai-compatible:test-vlm" });

    const instruction = "Move the cup to the left of the laptop.";
    vlm.queue(
      // Checker on iteration 0: the cup is right of the laptop (the relation is violated).
      answer({ objects: [{ id: "o1", label: "laptop", attributes: [], box: box(0.2) }, { id: "o2", label: "cup", attributes: [], box: box(0.7) }], relations: [] }),
      answer({ instruction }),
      // Checker on iteration 1: the cup is now left of the laptop.
      answer({
        objects: [{ id: "a", label: "cup", attributes: [], box: box(0.1) }, { id: "b", label: "laptop", attributes: [], box: box(0.5) }],
        relations: [{ subject: "a", predicate: "left of", object: "b" }],
      }),
      answer({ score: 9, rationale: "the cup is left of the laptop" }),
    );

    const events: LoopEvent[] = [];
    const target = parseSceneGraphInput("a cup left of a laptop");
    const result = await runLoop(
      { target, prompt: "a cup left of a laptop", seed: 3, maxIterations: 4 },
      { roles: profile.roles, score: sceneGraphMetrics, onEvent: (event) => void events.push(event) },
    );

    expect(result.stopReason).toBe("target-reached");
    expect(result.iterations).toHaveLength(2);
    expect(result.best).toBe(1);
    expect(result.iterations[0]!.critique.triples.map((triple) => triple.status)).toEqual(["violated"]);
    expect(result.iterations[1]!.instruction).toBe(instruction);
    expect(result.iterations[1]!.metrics.sgIoU).toBe(1);
    expect(result.judgement).toMatchObject({ score: 9, rationale: "the cup is left of the laptop", iteration: 1 });

    // The wire: txt2img then img2img with the instruction, Basic auth from the env; Bearer on the VLM.
    expect(images.requests.map((request) => request.url)).toEqual(["/sdapi/v1/txt2img", "/sdapi/v1/img2img"]);
    expect(JSON.parse(images.requests[1]!.body.toString())).toMatchObject({ prompt: instruction });
    expect(images.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`rig:${a1111Password}`).toString("base64")}`);
    expect(vlm.requests.filter((request) => request.url === "/v1/chat/completions")).toHaveLength(4);

    // No secret in any event or in the result.
    const serialised = JSON.stringify({ events, result }, (_key, value: unknown) => (ArrayBuffer.isView(value) ? `<${value.byteLength} bytes>` : value));
    expect(events.map((event) => event.type)).toContain("run-end");
    for (const secret of [vlmKey, a1111Password, Buffer.from(`rig:${a1111Password}`).toString("base64")]) expect(serialised).not.toContain(secret);
  });
});
