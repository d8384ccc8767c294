import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "./config";
import { answer, startFakeOpenAi, type FakeOpenAiServer } from "./openai-compatible/__fixtures__/fake-openai-server";
import { resolveProfile } from "./registry";
import { createRaster } from "../image/raster";

let server: FakeOpenAiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
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
    expect(resolved.promptVersions).toEqual({ checker: "checker.v1", judge: "judge.v1" });
    server.queue(answer({ score: 6, rationale: "ok" }));
    const judged = await resolved.roles.judge!.judge(createRaster(4, 4), "a cup", { seed: 1 });
    expect(judged.score).toBe(6);
    expect(() => resolveProfile(config, "mixed", { env: {} })).toThrow(/environment variable TEST_VLM_KEY is not set/);
  });

  it("fails loudly, listing what exists, for an image back end that is not registered", () => {
    const config = parseConfig({ profiles: { comfy: { roles: { diffuser: { backend: "comfyui", baseURL: "http://127.0.0.1:8188" } } } } });
    expect(() => resolveProfile(config, "comfy", { env: {} })).toThrow(/no diffuser back end "comfyui" is registered; available: sim, openai-compatible/);
    expect(() => resolveProfile(config, "missing", { env: {} })).toThrow(/unknown profile "missing"; profiles: sim, comfy/);
  });
});
