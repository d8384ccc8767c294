import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAi, type FakeOpenAiServer } from "../../lib/pipeline/backends/openai-compatible/__fixtures__/fake-openai-server";
import { sendJson, startServer } from "../../lib/pipeline/backends/openai-images/__fixtures__/local-server";
import { rig } from "../test-support";

const apiKey = "sk-cli-test-0123456789abcdef";
let server: FakeOpenAiServer;
let directory: string;
const saved = { RIG_CONFIG: process.env.RIG_CONFIG, RIG_TEST_VLM_KEY: process.env.RIG_TEST_VLM_KEY, RIG_TEST_A1111_PASSWORD: process.env.RIG_TEST_A1111_PASSWORD };

async function useConfig(config: unknown): Promise<void> {
  const file = path.join(directory, `config-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(config));
  process.env.RIG_CONFIG = file;
}

const vlm = (model: string, baseURL: string) => ({ backend: "openai-compatible", model, baseURL, apiKeyEnv: "RIG_TEST_VLM_KEY" });

beforeAll(async () => {
  server = await startFakeOpenAi({ apiKey, models: ["qwen-vl"] });
  directory = await mkdtemp(path.join(tmpdir(), "rig-backends-"));
  process.env.RIG_TEST_VLM_KEY = apiKey;
});
afterAll(async () => {
  await server.close();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("rig backends", () => {
  it("lists profiles with roles, back end, model and base URL, never the key", async () => {
    await useConfig({ profiles: { vllm: { description: "Qwen on vLLM", roles: { checker: vlm("qwen-vl", server.baseURL), actor: vlm("qwen-vl", server.baseURL) } } } });
    const { code, stdout } = await rig("backends");
    expect(code).toBe(0);
    expect(stdout).toContain("sim - embedded CPU world");
    expect(stdout).toContain("vllm - Qwen on vLLM");
    expect(stdout).toMatch(/checker\s+openai-compatible\s+qwen-vl\s+http:\/\/127\.0\.0\.1:\d+\/v1\s+key from \$RIG_TEST_VLM_KEY \(set\)/);
    expect(stdout).toMatch(/diffuser\s+sim/);
    expect(stdout).not.toContain(apiKey);
  });

  it("check: reachable, model present, latency per role; exit 0", async () => {
    await useConfig({ profiles: { vllm: { roles: { checker: vlm("qwen-vl", server.baseURL), judge: vlm("qwen-vl", server.baseURL) } } } });
    const { code, stdout } = await rig("backends", "check", "vllm");
    expect(code).toBe(0);
    expect(stdout).toMatch(/checker\s+ok\s+openai-compatible qwen-vl http:\/\/127\.0\.0\.1:\d+\/v1: reachable, model present, \d+ ms/);
    expect(stdout).toMatch(/diffuser\s+ok\s+sim: embedded/);
    const probes = server.requests.filter((request) => request.url === "/v1/models");
    expect(probes.length).toBeGreaterThanOrEqual(1);
    expect(probes.at(-1)!.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  it("check: one clear line per failure and a non-zero exit (missing model, unreachable server, unset key, wrong key)", async () => {
    await useConfig({
      profiles: {
        broken: {
          roles: {
            checker: vlm("not-served", server.baseURL),
            actor: { backend: "openai-compatible", model: "m", baseURL: "http://127.0.0.1:9/v1" },
            judge: { ...vlm("qwen-vl", server.baseURL), apiKeyEnv: "RIG_TEST_UNSET_KEY" },
          },
        },
      },
    });
    const { code, stdout, stderr } = await rig("backends", "check", "broken");
    expect(code).toBe(1);
    expect(stdout).toMatch(/checker\s+FAIL .*reachable, but model "not-served" is not listed \(listed: qwen-vl\)/);
    expect(stdout).toMatch(/actor\s+FAIL .*unreachable/);
    expect(stdout).toMatch(/judge\s+FAIL .*environment variable RIG_TEST_UNSET_KEY is not set/);
    expect(stderr).toContain("3 role(s) failed the check");
    expect(stdout + stderr).not.toContain(apiKey);
  });

  it("check: an HTTP error from the server names the status, and an unknown profile is a usage error", async () => {
    const keyServer = await startFakeOpenAi({ apiKey: "sk-other-0123456789abcdef" });
    try {
      await useConfig({ profiles: { wrongkey: { roles: { checker: vlm("test-vlm", keyServer.baseURL) } } } });
      const { code, stdout } = await rig("backends", "check", "wrongkey");
      expect(code).toBe(1);
      expect(stdout).toMatch(/checker\s+FAIL .*HTTP 401 .*Incorrect API key provided/);
      expect(stdout).not.toContain(apiKey);
      const unknown = await rig("backends", "check", "nope");
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('unknown profile "nope"; profiles: sim, wrongkey');
    } finally {
      await keyServer.close();
    }
  });

  it("check: image back ends and the in-process detector, one line each, failures counted", async () => {
    // One local server answering as ComfyUI (no such checkpoint), AUTOMATIC1111 (other password) and an images API.
    const images = await startServer((req, res) => {
      const route = new URL(req.url, "http://127.0.0.1").pathname;
      if (route === "/system_stats") return sendJson(res, 200, { system: { os: "posix", comfyui_version: "0.3.40" }, devices: [] });
      if (route === "/models/checkpoints") return sendJson(res, 200, ["v1-5-pruned-emaonly.safetensors"]);
      if (route === "/sdapi/v1/sd-models") return sendJson(res, 401, { detail: "Incorrect username or password" });
      if (route === "/v1/models") return sendJson(res, 200, { object: "list", data: [{ id: "gpt-image-1", object: "model" }] });
      sendJson(res, 404, { detail: "Not Found" });
    });
    try {
      process.env.RIG_TEST_A1111_PASSWORD = "a1111-secret-password";
      await useConfig({
        profiles: {
          images: {
            roles: {
              diffuser: { backend: "comfyui", baseURL: images.url, model: "sdxl.safetensors" },
              editor: { backend: "a1111", baseURL: images.url, apiKeyEnv: "RIG_TEST_A1111_PASSWORD", options: { username: "rig" } },
              checker: { backend: "local-detector" },
            },
          },
          openai: { roles: { diffuser: { backend: "openai-images", baseURL: `${images.url}/v1`, model: "gpt-image-1" } } },
        },
      });
      const checked = await rig("backends", "check");
      expect(checked.code).toBe(1);
      expect(checked.stdout).toMatch(/diffuser\s+FAIL comfyui sdxl\.safetensors http:\S+: reachable, but checkpoint "sdxl\.safetensors" is not listed \(listed: v1-5-pruned-emaonly\.safetensors\), \d+ ms/);
      expect(checked.stdout).toMatch(/editor\s+FAIL a1111 http:\S+: reachable but HTTP 401 from http:\S+\/sdapi\/v1\/sd-models: Incorrect username or password/);
      expect(checked.stdout).toMatch(/checker\s+ok\s+local-detector: in-process, COCO-SSD .*, \d+ ms/);
      expect(checked.stdout).toMatch(/openai\n\s+diffuser\s+ok\s+openai-images gpt-image-1 http:\S+\/v1: reachable, model present/);
      expect(checked.stderr).toContain("2 role(s) failed the check");
      const sent = images.requests.find((request) => request.url === "/sdapi/v1/sd-models")!;
      expect(sent.headers.authorization).toBe(`Basic ${Buffer.from("rig:a1111-secret-password").toString("base64")}`);
      expect(checked.stdout + checked.stderr).not.toContain("a1111-secret-password");
    } finally {
      await images.close();
    }
  });

  it("a config with a literal key is refused, naming the path", async () => {
    await useConfig({ profiles: { bad: { roles: { checker: { ...vlm("m", server.baseURL), apiKey } } } } });
    const { code, stderr } = await rig("backends");
    expect(code).toBe(2);
    expect(stderr).toContain("profiles.bad.roles.checker.apiKey: secrets are not allowed");
    expect(stderr).not.toContain(apiKey);
  });
});
