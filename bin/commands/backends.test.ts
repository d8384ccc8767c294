import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAi, type FakeOpenAiServer } from "../../lib/pipeline/backends/openai-compatible/__fixtures__/fake-openai-server";
import { rig } from "../test-support";

const apiKey = "sk-cli-test-0123456789abcdef";
let server: FakeOpenAiServer;
let directory: string;
const saved = { RIG_CONFIG: process.env.RIG_CONFIG, RIG_TEST_VLM_KEY: process.env.RIG_TEST_VLM_KEY };

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

  it("a config with a literal key is refused, naming the path", async () => {
    await useConfig({ profiles: { bad: { roles: { checker: { ...vlm("m", server.baseURL), apiKey } } } } });
    const { code, stderr } = await rig("backends");
    expect(code).toBe(2);
    expect(stderr).toContain("profiles.bad.roles.checker.apiKey: secrets are not allowed");
    expect(stderr).not.toContain(apiKey);
  });
});
