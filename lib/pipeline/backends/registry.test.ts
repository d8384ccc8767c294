import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "./config";
import { answer, startFakeOpenAi, type FakeOpenAiServer } from "./openai-compatible/__fixtures__/fake-openai-server";
import { sendJson, solidPngBase64, startServer } from "./openai-images/__fixtures__/local-server";
import { imageBackendFactories, resolveProfile } from "./registry";
import { createRaster } from "../image/raster";

let server: FakeOpenAiServer | undefined;
let images: Awaited<ReturnType<typeof startServer>> | undefined;
afterEach(async () => {
  await server?.close();
  await images?.close();
  server = undefined;
  images = undefined;
});

describe("registry", () => {
  it("resolves the built-in sim profile to the embedded roles", () => {
    const resolved = resolveProfile(parseConfig({}), "sim", { env: {} });
    expect(resolved.backends).toEqual({ diffuser: "sim", checker: "sim", actor: "sim", editor: "sim", judge: "sim" });
    expect(resolved.roles.checker.name).toBe("sim");
    expect(resolved.promptVersions).toEqual({});
  });

  it("mixes sim image roles with VLM roles, reads the key from the named variable, and records prompt versions", async () => {
    server = await startFakeOpenAi({ apiKey: "sk-registry-0123456789" });
    const vlm = { backend: "openai-compatible", model: "test-vlm", baseURL: server.baseURL, apiKeyEnv: "TEST_VLM_KEY" };
    const config = parseConfig({ profiles: { mixed: { roles: { checker: vlm, judge: vlm } } } });
    const resolved = resolveProfile(config, "mixed", { env: { TEST_VLM_KEY: "sk-registry-0123456789" } });
    expect(resolved.backends).toMatchObject({ diffuser: "sim", checker: "openai-compatible:test-vlm", actor: "sim", judge: "openai-compatible:test-vlm" });
    expect(resolved.promptVersions).toEqual({ checker: "checker.v2", judge: "judge.v1" });
    server.queue(answer({ score: 6, rationale: "ok" }));
    const judged = await resolved.roles.judge!.judge(createRaster(4, 4), "a cup", { seed: 1 });
    expect(judged.score).toBe(6);
    expect(() => resolveProfile(config, "mixed", { env: {} })).toThrow(/environment variable TEST_VLM_KEY is not set/);
  });

  it("gives each role its back end's capabilities, with honorsSeed / acceptsMask as the role's options declare them", () => {
    const images = { backend: "openai-images", model: "m", baseURL: "http://127.0.0.1:9/v1" };
    const config = parseConfig({ profiles: { seeded: { roles: { diffuser: { ...images, options: { honorsSeed: true } }, editor: images } } } });
    const { capabilities } = resolveProfile(config, "seeded", { env: {} });
    expect(capabilities.diffuser).toMatchObject({ canEdit: true, honorsSeed: true, acceptsMask: true });
    expect(capabilities.editor.honorsSeed).toBe(false);
    expect(capabilities.checker).toEqual(resolveProfile(config, "sim", { env: {} }).capabilities.checker);
  });

  it("fails loudly, listing what exists, for an image back end that is not registered", () => {
    const config = parseConfig({ profiles: { comfy: { roles: { diffuser: { backend: "comfyui", baseURL: "http://127.0.0.1:8188" } } } } });
    const factory = imageBackendFactories.get("comfyui")!;
    imageBackendFactories.delete("comfyui");
    try {
      expect(() => resolveProfile(config, "comfy", { env: {} })).toThrow(/no diffuser back end "comfyui" is registered; available: sim, openai-compatible/);
    } finally {
      imageBackendFactories.set("comfyui", factory);
    }
    expect(() => resolveProfile(config, "missing", { env: {} })).toThrow(/unknown profile "missing"; profiles: sim, comfy/);
  });

  it("resolves the built-in image back ends (openai-images, comfyui, a1111) with keys from the named variables", async () => {
    images = await startServer(async (req, res) => {
      const body = JSON.parse(req.body.toString()) as { seed: number };
      sendJson(res, 200, { images: [await solidPngBase64(8, 8, [1, 2, 3, 255])], parameters: {}, info: JSON.stringify({ seed: body.seed }) });
    });
    const config = parseConfig({
      profiles: {
        images: {
          roles: {
            diffuser: { backend: "a1111", model: "sdxl", baseURL: images.url, apiKeyEnv: "A1111_PASSWORD", options: { username: "rig", width: 8, height: 8, steps: 4 } },
            editor: { backend: "openai-images", model: "gpt-image-1", baseURL: "http://127.0.0.1:9/v1", apiKeyEnv: "TEST_IMAGES_KEY", options: { responseFormat: null } },
          },
        },
        comfy: { roles: { diffuser: { backend: "comfyui", baseURL: "http://127.0.0.1:8188", options: { steps: 12 } }, editor: { backend: "comfyui", baseURL: "http://127.0.0.1:8188" } } },
      },
    });
    const resolved = resolveProfile(config, "images", { env: { A1111_PASSWORD: "hunter22-secret", TEST_IMAGES_KEY: "sk-images-0123456789" } });
    expect(resolved.backends).toMatchObject({ diffuser: "a1111:sdxl", editor: "openai-images:gpt-image-1", checker: "sim" });
    expect(resolved.roles.diffuser.name).toBe("a1111:sdxl");
    expect(resolved.roles.editor.name).toBe("openai-images:gpt-image-1");
    const generated = await resolved.roles.diffuser.generate("a cup left of a laptop", { seed: 3 });
    expect(generated.image.width).toBe(8);
    expect(images.requests[0]!.url).toBe("/sdapi/v1/txt2img");
    expect(images.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from("rig:hunter22-secret").toString("base64")}`);
    expect(JSON.parse(images.requests[0]!.body.toString())).toMatchObject({ steps: 4, override_settings: { sd_model_checkpoint: "sdxl" } });
    expect(() => resolveProfile(config, "images", { env: { TEST_IMAGES_KEY: "sk-images-0123456789" } })).toThrow(/A1111_PASSWORD is not set/);

    const comfy = resolveProfile(config, "comfy", { env: {} });
    expect(comfy.backends).toMatchObject({ diffuser: "comfyui", editor: "comfyui" });
  });

  it("validates image back-end options with the adapter's schema", () => {
    const config = parseConfig({ profiles: { bad: { roles: { diffuser: { backend: "a1111", baseURL: "http://127.0.0.1:7860", options: { steps: -1 } } } } } });
    expect(() => resolveProfile(config, "bad", { env: {} })).toThrow(/diffuser \(a1111\): options\.steps: /);
    const keyed = parseConfig({ profiles: { comfy: { roles: { editor: { backend: "comfyui", baseURL: "http://127.0.0.1:8188", apiKeyEnv: "X" } } } } });
    expect(() => resolveProfile(keyed, "comfy", { env: { X: "y" } })).toThrow(/ComfyUI takes no API key/);
  });
});
