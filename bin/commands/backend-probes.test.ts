import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { roleBackendSchema, type ResolvedRoleSpec } from "../../lib/pipeline/backends/config";
import { createHttpFetch } from "../../lib/pipeline/backends/http";
import { sendJson, startServer, type Recorded } from "../../lib/pipeline/backends/openai-images/__fixtures__/local-server";
import { probeBackend } from "./backend-probes";

/**
 * The probes of `rig backends check` against local servers answering as ComfyUI, AUTOMATIC1111
 * and an OpenAI-compatible images API do (routes, bodies and error bodies as the real ones).
 */
let server: Awaited<ReturnType<typeof startServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const spec = (role: ResolvedRoleSpec["role"], raw: Record<string, unknown>): ResolvedRoleSpec => ({ role, ...roleBackendSchema.parse(raw) });
const fetch = createHttpFetch({ timeoutMs: 300, maxRetries: 0 });

type Route = (req: Recorded, res: ServerResponse) => unknown;
async function serve(routes: Record<string, Route>) {
  server = await startServer((req, res) => {
    const route = routes[new URL(req.url, "http://127.0.0.1").pathname];
    if (route) return route(req, res);
    res.writeHead(404);
    res.end();
  });
  return server;
}

const comfyStats = { system: { os: "posix", ram_total: 1, ram_free: 1, comfyui_version: "0.3.40", python_version: "3.12", pytorch_version: "2.5", embedded_python: false, argv: ["main.py"] }, devices: [] };

describe("backends check: ComfyUI", () => {
  it("is ok when /system_stats answers and /models/checkpoints lists the checkpoint", async () => {
    const { url, requests } = await serve({
      "/system_stats": (_req, res) => sendJson(res, 200, comfyStats),
      "/models/checkpoints": (_req, res) => sendJson(res, 200, ["sd_xl_base_1.0.safetensors", "flux/dev.safetensors"]),
    });
    expect(await probeBackend(spec("diffuser", { backend: "comfyui", baseURL: url, model: "flux/dev.safetensors" }), fetch, {})).toMatchObject({ ok: true, detail: "reachable, checkpoint present" });
    // No model named: the shipped workflows' default checkpoint is what the role will ask for.
    expect(await probeBackend(spec("editor", { backend: "comfyui", baseURL: url }), fetch, {})).toMatchObject({ ok: true });
    expect(requests.map((req) => req.url)).toEqual(["/system_stats", "/models/checkpoints", "/system_stats", "/models/checkpoints"]);
  });

  it("fails, listing what is there, when the checkpoint is missing; custom workflows without a model only list", async () => {
    const { url } = await serve({
      "/system_stats": (_req, res) => sendJson(res, 200, comfyStats),
      "/models/checkpoints": (_req, res) => sendJson(res, 200, ["v1-5-pruned-emaonly.safetensors"]),
    });
    const result = await probeBackend(spec("diffuser", { backend: "comfyui", baseURL: url }), fetch, {});
    expect(result.ok).toBe(false);
    expect(result.detail).toBe('reachable, but checkpoint "sd_xl_base_1.0.safetensors" is not listed (listed: v1-5-pruned-emaonly.safetensors)');
    const custom = await probeBackend(spec("diffuser", { backend: "comfyui", baseURL: url, options: { txt2imgWorkflow: { "1": { class_type: "UNETLoader", inputs: {} } } } }), fetch, {});
    expect(custom).toMatchObject({ ok: true, detail: "reachable, 1 checkpoint(s) listed" });
  });

  it("falls back to /object_info/CheckpointLoaderSimple on servers without /models (both combo formats)", async () => {
    let combo = false;
    const { url } = await serve({
      "/system_stats": (_req, res) => sendJson(res, 200, comfyStats),
      "/object_info/CheckpointLoaderSimple": (_req, res) => {
        const names = ["sdxl.safetensors"];
        const ckptName = combo ? ["COMBO", { options: names, tooltip: "The name of the checkpoint (model) to load." }] : [names, { tooltip: "The name of the checkpoint (model) to load." }];
        sendJson(res, 200, { CheckpointLoaderSimple: { input: { required: { ckpt_name: ckptName } }, output: ["MODEL", "CLIP", "VAE"], name: "CheckpointLoaderSimple" } });
      },
    });
    const role = spec("diffuser", { backend: "comfyui", baseURL: url, model: "sdxl.safetensors" });
    expect(await probeBackend(role, fetch, {})).toMatchObject({ ok: true, detail: "reachable, checkpoint present" });
    combo = true;
    expect(await probeBackend(role, fetch, {})).toMatchObject({ ok: true, detail: "reachable, checkpoint present" });
  });

  it("fails on a server that is not ComfyUI, and on one that does not answer in time", async () => {
    const { url } = await serve({ "/system_stats": (_req, res) => sendJson(res, 200, { status: "ok" }) });
    expect((await probeBackend(spec("diffuser", { backend: "comfyui", baseURL: url }), fetch, {})).detail).toMatch(/did not answer like ComfyUI/);
    await server!.close();
    server = await startServer(() => undefined);
    const slow = await probeBackend(spec("diffuser", { backend: "comfyui", baseURL: server.url }), fetch, {});
    expect(slow).toEqual({ ok: false, detail: `unreachable: no answer from ${server.url}/system_stats within 300 ms` });
  });
});

describe("backends check: AUTOMATIC1111", () => {
  const models = [
    { title: "sd_xl_base_1.0.safetensors [31e35c80fc]", model_name: "sd_xl_base_1.0", hash: "31e35c80fc", sha256: "31e35c80fc4829d14f90153f4c74cd59c90b779f6afe05a74cd6120b893f7e5b", filename: "/models/Stable-diffusion/sd_xl_base_1.0.safetensors", config: null },
  ];
  const auth = `Basic ${Buffer.from("rig:hunter22").toString("base64")}`;
  async function a1111() {
    return serve({
      "/sdapi/v1/sd-models": (req, res) =>
        req.headers.authorization === auth ? sendJson(res, 200, models) : sendJson(res, 401, { detail: "Incorrect username or password" }),
    });
  }
  const role = (url: string, extra: Record<string, unknown> = {}) =>
    spec("diffuser", { backend: "a1111", baseURL: url, apiKeyEnv: "A1111_PASSWORD", options: { username: "rig" }, ...extra });

  it("sends the profile's Basic auth and finds the model by title, file name or model name", async () => {
    const { url, requests } = await a1111();
    for (const model of ["sd_xl_base_1.0.safetensors [31e35c80fc]", "sd_xl_base_1.0.safetensors", "sd_xl_base_1.0"]) {
      expect(await probeBackend(role(url, { model }), fetch, { A1111_PASSWORD: "hunter22" })).toMatchObject({ ok: true, detail: "reachable, model present" });
    }
    expect(requests[0]!.headers.authorization).toBe(auth);
  });

  it("fails on a missing model, a wrong password (401), an unset password and a password without a user", async () => {
    const { url } = await a1111();
    const missing = await probeBackend(role(url, { model: "flux-dev" }), fetch, { A1111_PASSWORD: "hunter22" });
    expect(missing.detail).toBe('reachable, but model "flux-dev" is not listed (listed: sd_xl_base_1.0.safetensors [31e35c80fc])');
    const wrong = await probeBackend(role(url), fetch, { A1111_PASSWORD: "nope-nope" });
    expect(wrong).toMatchObject({ ok: false, detail: `reachable but HTTP 401 from ${url}/sdapi/v1/sd-models: Incorrect username or password` });
    expect(await probeBackend(role(url), fetch, {})).toEqual({ ok: false, detail: "environment variable A1111_PASSWORD is not set" });
    const noUser = await probeBackend(role(url, { options: {} }), fetch, { A1111_PASSWORD: "hunter22" });
    expect(noUser.detail).toBe("apiKeyEnv holds the Basic-auth password; set options.username too");
  });
});

describe("backends check: OpenAI-compatible images API", () => {
  it("lists /models with the Bearer key: model present, model absent, 401", async () => {
    const { url, requests } = await serve({
      "/v1/models": (req, res) =>
        req.headers.authorization === "Bearer sk-images-0123456789abcdef"
          ? sendJson(res, 200, { object: "list", data: [{ id: "gpt-image-1", object: "model", created: 1, owned_by: "system" }] })
          : sendJson(res, 401, { error: { message: "Incorrect API key provided: sk-wrong***", type: "invalid_request_error", param: null, code: "invalid_api_key" } }),
    });
    const role = (model: string) => spec("editor", { backend: "openai-images", baseURL: `${url}/v1`, model, apiKeyEnv: "IMAGES_KEY" });
    const env = { IMAGES_KEY: "sk-images-0123456789abcdef" };
    expect(await probeBackend(role("gpt-image-1"), fetch, env)).toMatchObject({ ok: true, detail: "reachable, model present" });
    expect((await probeBackend(role("dall-e-3"), fetch, env)).detail).toBe('reachable, but model "dall-e-3" is not listed (listed: gpt-image-1)');
    const unauthorised = await probeBackend(role("gpt-image-1"), fetch, { IMAGES_KEY: "sk-wrong-0123456789abcdef" });
    expect(unauthorised.detail).toBe(`reachable but HTTP 401 from ${url}/v1/models: Incorrect API key provided: sk-wrong***`);
    expect(requests[0]!.headers.authorization).toBe("Bearer sk-images-0123456789abcdef");
  });
});

describe("backends check: in-process back ends", () => {
  it("loads the local detector and times one detection; calls nothing for sim", async () => {
    const detector = await probeBackend(spec("checker", { backend: "local-detector" }), fetch, {});
    expect(detector).toMatchObject({ ok: true, detail: expect.stringMatching(/^in-process, COCO-SSD/) });
    expect(detector.latencyMs).toBeGreaterThanOrEqual(0);
    const missing = await probeBackend(spec("checker", { backend: "local-detector", options: { modelDir: "/nonexistent/coco-ssd" } }), fetch, {});
    expect(missing).toEqual({ ok: false, detail: expect.stringContaining("no model file at /nonexistent/coco-ssd/model.json") });
    expect(await probeBackend(spec("checker", { backend: "sim" }), fetch, {})).toEqual({ ok: true, detail: "embedded, always available" });
  });
});
