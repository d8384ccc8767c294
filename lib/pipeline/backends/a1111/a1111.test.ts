import { afterEach, describe, expect, it } from "vitest";
import { decodeImage } from "../../image/png";
import { caught, manualClock, sendJson, solidImage, solidPngBase64, startServer, waitFor } from "../openai-images/__fixtures__/local-server";
import type { RoleProgress } from "../../roles/types";
import { a1111OptionsSchema, createA1111Diffuser, createA1111Editor } from "./index";

let server: Awaited<ReturnType<typeof startServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});



/** What A1111 answers: base64 PNGs without a data: prefix, the parameters echoed, info as a JSON string. */
async function a1111Answer(width: number, height: number, seed: number) {
  return { images: [await solidPngBase64(width, height, [10, 200, 10, 255])], parameters: {}, info: JSON.stringify({ seed, all_seeds: [seed] }) };
}

describe("AUTOMATIC1111 / Forge back end", () => {
  it("calls /sdapi/v1/txt2img with prompt, seed, size, steps and Basic auth", async () => {
    server = await startServer(async (req, res) => {
      const body = JSON.parse(req.body.toString()) as { seed: number };
      sendJson(res, 200, await a1111Answer(64, 32, body.seed));
    });
    const diffuser = createA1111Diffuser({ baseURL: server.url, username: "rig", password: "hunter22", width: 64, height: 32, steps: 8, negativePrompt: "blurry", samplerName: "Euler a", overrideSettings: { sd_model_checkpoint: "sdxl" } });
    const result = await diffuser.generate("a cat under a table", { seed: 42 });
    expect(diffuser.name).toBe("a1111:sdxl");
    expect(result.image.width).toBe(64);
    expect(result.image.height).toBe(32);
    expect(result.warnings).toEqual([]);
    const req = server.requests[0]!;
    expect(req.url).toBe("/sdapi/v1/txt2img");
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from("rig:hunter22").toString("base64")}`);
    expect(JSON.parse(req.body.toString())).toMatchObject({
      prompt: "a cat under a table",
      negative_prompt: "blurry",
      seed: 42,
      width: 64,
      height: 32,
      steps: 8,
      sampler_name: "Euler a",
      batch_size: 1,
      override_settings: { sd_model_checkpoint: "sdxl" },
    });
  });

  it("calls /sdapi/v1/img2img with init_images, mask and denoising_strength", async () => {
    server = await startServer(async (_req, res) => sendJson(res, 200, await a1111Answer(16, 16, 5)));
    const editor = createA1111Editor({ baseURL: `${server.url}/`, denoisingStrength: 0.45 });
    const mask = solidImage(16, 16, [0, 0, 0, 255]);
    mask.data.set([255, 255, 255, 255], 0);
    const result = await editor.edit(solidImage(16, 16, [255, 0, 0, 255]), "put the cup on the left", { seed: 5, mask } as never);
    expect(result.image.width).toBe(16);
    const req = server.requests[0]!;
    expect(req.url).toBe("/sdapi/v1/img2img");
    expect(req.headers.authorization).toBeUndefined();
    const body = JSON.parse(req.body.toString()) as { init_images: string[]; mask: string; denoising_strength: number; prompt: string; seed: number };
    expect(body.prompt).toBe("put the cup on the left");
    expect(body.seed).toBe(5);
    expect(body.denoising_strength).toBe(0.45);
    const init = await decodeImage(Buffer.from(body.init_images[0]!, "base64"));
    expect(Array.from(init.data.slice(0, 4))).toEqual([255, 0, 0, 255]);
    const sentMask = await decodeImage(Buffer.from(body.mask, "base64"));
    expect(Array.from(sentMask.data.slice(0, 8))).toEqual([255, 255, 255, 255, 0, 0, 0, 255]);
  });

  it("resizes an answer of another size with a warning", async () => {
    server = await startServer(async (_req, res) => sendJson(res, 200, await a1111Answer(8, 8, 1)));
    const result = await createA1111Diffuser({ baseURL: server.url, width: 16, height: 16 }).generate("x", { seed: 1 });
    expect(result.image.width).toBe(16);
    expect(result.warnings.join()).toMatch(/returned 8x8 instead of 16x16/);
  });

  it("turns FastAPI and A1111 error bodies into RoleErrors (401 final, 500 retryable) without the password", async () => {
    let status = 401;
    server = await startServer((_req, res) => {
      if (status === 401) sendJson(res, 401, { detail: "Incorrect username or password (hunter22)" });
      else if (status === 422) sendJson(res, 422, { detail: [{ loc: ["body", "steps"], msg: "value is not a valid integer", type: "type_error.integer" }] });
      else sendJson(res, 500, { error: "OutOfMemoryError", detail: "", body: "", errors: "CUDA out of memory" });
    });
    const diffuser = createA1111Diffuser({ baseURL: server.url, username: "rig", password: "hunter22" });
    let error = await caught(diffuser.generate("x", { seed: 1 }));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/HTTP 401: Incorrect username or password/);
    expect(error.message).not.toContain("hunter22");
    status = 422;
    error = await caught(diffuser.generate("x", { seed: 1 }));
    expect(error.message).toMatch(/HTTP 422: value is not a valid integer/);
    status = 500;
    error = await caught(diffuser.generate("x", { seed: 1 }));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/OutOfMemoryError: CUDA out of memory/);
  });

  it("rejects malformed answers as model_output_invalid", async () => {
    let answer: unknown = { images: [] };
    server = await startServer((_req, res) => {
      if (typeof answer === "string") res.end(answer);
      else sendJson(res, 200, answer);
    });
    const diffuser = createA1111Diffuser({ baseURL: server.url });
    expect((await caught(diffuser.generate("x", { seed: 1 }))).code).toBe("model_output_invalid");
    answer = "<html>Not Found</html>";
    expect((await caught(diffuser.generate("x", { seed: 1 }))).code).toBe("model_output_invalid");
    answer = { images: ["bm90IGEgcG5n"], info: "{}" };
    expect((await caught(diffuser.generate("x", { seed: 1 }))).code).toBe("model_output_invalid");
  });

  it("times out on the injected clock (retryable) and closes the request", async () => {
    server = await startServer(() => undefined);
    const clock = manualClock();
    const pending = caught(createA1111Diffuser({ baseURL: server.url, timeoutMs: 1000 }, { clock }).generate("x", { seed: 1 }));
    await waitFor(() => server!.requests.length === 1);
    clock.fireAll();
    const error = await pending;
    expect(error.code).toBe("timeout");
    expect(error.retryable).toBe(true);
    await server.closed[0];
  });

  it("propagates abort mid-request", async () => {
    server = await startServer(() => undefined);
    const controller = new AbortController();
    const pending = caught(createA1111Editor({ baseURL: server.url }).edit(solidImage(4, 4, [0, 0, 0, 255]), "x", { seed: 1, signal: controller.signal }));
    await waitFor(() => server!.requests.length === 1);
    controller.abort();
    expect((await pending).code).toBe("aborted");
    await server.closed[0];
  });

  it("rejects a mask of the wrong size before calling", async () => {
    const editor = createA1111Editor({ baseURL: "http://127.0.0.1:9" });
    const error = await caught(editor.edit(solidImage(4, 4, [0, 0, 0, 255]), "x", { seed: 1, mask: solidImage(2, 2, [0, 0, 0, 255]) } as never));
    expect(error.code).toBe("invalid_input");
  });

  it("polls /sdapi/v1/progress during the call (with Basic auth), reports sampling steps, and stops when the call ends", async () => {
    let polls = 0;
    server = await startServer(async (req, res) => {
      if (req.url.startsWith("/sdapi/v1/progress")) {
        polls += 1;
        // A1111's shape: idle (job_count 0) on the first poll, then steps 1..3 of 4.
        const step = Math.min(polls - 1, 3);
        const state = { skipped: false, interrupted: false, job: polls === 1 ? "" : "txt2img", job_count: polls === 1 ? 0 : 1, job_timestamp: "20261126000000", job_no: 0, sampling_step: step, sampling_steps: polls === 1 ? 0 : 4 };
        return sendJson(res, 200, { progress: step / 4, eta_relative: 1.5, state, current_image: null, textinfo: null });
      }
      await waitFor(() => polls >= 4);
      sendJson(res, 200, await a1111Answer(16, 16, 3));
    });
    const progress: RoleProgress[] = [];
    const diffuser = createA1111Diffuser({ baseURL: server.url, username: "rig", password: "hunter22", width: 16, height: 16, progressIntervalMs: 5 });
    const result = await diffuser.generate("x", { seed: 3, onProgress: (p) => progress.push(p) });
    expect(result.image.width).toBe(16);
    expect(progress).toEqual([
      { done: 1, total: 4, stage: "sampling" },
      { done: 2, total: 4, stage: "sampling" },
      { done: 3, total: 4, stage: "sampling" },
    ]);
    const poll = server.requests.find((req) => req.url.startsWith("/sdapi/v1/progress"))!;
    expect(poll.url).toBe("/sdapi/v1/progress?skip_current_image=true");
    expect(poll.headers.authorization).toBe(`Basic ${Buffer.from("rig:hunter22").toString("base64")}`);
    const after = polls;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(polls).toBe(after);
    expect(progress).toHaveLength(3);
  });

  it("does not poll without an onProgress, nor with progressIntervalMs 0, and a failing progress route does not fail the call", async () => {
    server = await startServer(async (req, res) => {
      if (req.url.startsWith("/sdapi/v1/progress")) return sendJson(res, 500, { error: "RuntimeError", errors: "boom" });
      await new Promise((resolve) => setTimeout(resolve, 30));
      sendJson(res, 200, await a1111Answer(8, 8, 1));
    });
    const progress: RoleProgress[] = [];
    await createA1111Diffuser({ baseURL: server.url, width: 8, height: 8, progressIntervalMs: 5 }).generate("x", { seed: 1 });
    await createA1111Diffuser({ baseURL: server.url, width: 8, height: 8, progressIntervalMs: 0 }).generate("x", { seed: 1, onProgress: (p) => progress.push(p) });
    expect(server.requests.filter((req) => req.url.startsWith("/sdapi/v1/progress"))).toHaveLength(0);
    const result = await createA1111Diffuser({ baseURL: server.url, width: 8, height: 8, progressIntervalMs: 5 }).generate("x", { seed: 1, onProgress: (p) => progress.push(p) });
    expect(result.image.width).toBe(8);
    expect(server.requests.filter((req) => req.url.startsWith("/sdapi/v1/progress")).length).toBeGreaterThan(0);
    expect(progress).toEqual([]);
  });

  it("validates options", () => {
    expect(() => a1111OptionsSchema.parse({ baseURL: "http://127.0.0.1:7860", denoisingStrength: 2 })).toThrow();
    expect(a1111OptionsSchema.parse({ baseURL: "http://127.0.0.1:7860" }).steps).toBe(25);
  });
});
