import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig, profileRoles, profilesOf } from "./config";

const vllm = {
  profiles: {
    vllm: {
      roles: {
        checker: { backend: "openai-compatible", model: "Qwen/Qwen2.5-VL-7B-Instruct", baseURL: "http://127.0.0.1:8000/v1", apiKeyEnv: "VLLM_API_KEY" },
        actor: { backend: "openai-compatible", model: "Qwen/Qwen2.5-VL-7B-Instruct", baseURL: "http://127.0.0.1:8000/v1", options: { temperature: 0.2 } },
      },
    },
  },
};

const problems = (raw: unknown) => {
  try {
    parseConfig(raw, "rig.config.json");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the config to be rejected");
};

describe("back-end config", () => {
  it("parses profiles, fills defaults, and always has the built-in sim profile", () => {
    const config = parseConfig(vllm);
    expect(Object.keys(profilesOf(config))).toEqual(["sim", "vllm"]);
    const roles = profileRoles(config, "vllm");
    expect(roles.map((role) => `${role.role}=${role.backend}`)).toEqual([
      "diffuser=sim",
      "checker=openai-compatible",
      "actor=openai-compatible",
      "editor=sim",
      "judge=sim",
    ]);
    expect(roles[1]).toMatchObject({ timeoutMs: 120_000, maxRetries: 2, maxValidationAttempts: 3, apiKeyEnv: "VLLM_API_KEY" });
    expect(profileRoles(parseConfig({}), "sim").every((role) => role.backend === "sim")).toBe(true);
    expect(() => profileRoles(config, "nope")).toThrow(/unknown profile "nope"; profiles: sim, vllm/);
  });

  it("names the path of every problem", () => {
    const message = problems({ profiles: { p: { roles: { checker: { backend: "openai-compatible", baseURL: "ftp://x" }, diffuser: { backend: "nope" } } } } });
    expect(message).toContain("rig.config.json: profiles.p.roles.checker.baseURL: must be an http(s) URL");
    expect(message).toContain("profiles.p.roles.diffuser.backend: must be one of sim, openai-compatible");
    expect(problems({ profiles: { p: { roles: { checker: { backend: "openai-compatible", baseURL: "http://127.0.0.1:1/v1" } } } } })).toContain(
      "profiles.p.roles.checker.model: is required",
    );
  });

  it("rejects a back end that cannot serve the role", () => {
    expect(problems({ profiles: { p: { roles: { diffuser: { backend: "openai-compatible", model: "m", baseURL: "http://127.0.0.1:1/v1" } } } } })).toContain(
      'profiles.p.roles.diffuser.backend: "openai-compatible" cannot serve the diffuser; back ends for it: sim, openai-images, comfyui, a1111',
    );
  });

  it("rejects literal secrets: key fields and key-shaped values anywhere", () => {
    const base = { backend: "openai-compatible", model: "m", baseURL: "http://127.0.0.1:1/v1" };
    expect(problems({ profiles: { p: { roles: { checker: { ...base, apiKey: "whatever" } } } } })).toContain("profiles.p.roles.checker.apiKey");
    expect(problems({ profiles: { p: { roles: { checker: { ...base, options: { token: "abc" } } } } } })).toContain("profiles.p.roles.checker.options.token: secrets are not allowed");
    expect(problems({ profiles: { p: { roles: { checker: { ...base, options: { header: "sk-proj-abcdefghijklmnop" } } } } } })).toContain("looks like a literal secret");
    expect(problems({ profiles: { p: { roles: { checker: { ...base, apiKeyEnv: "sk-abcdefghijklmnop" } } } } })).toContain("apiKeyEnv");
  });

  it("does not let a profile redefine the built-in sim", () => {
    expect(problems({ profiles: { sim: { roles: {} } } })).toContain('"sim" is the built-in profile');
  });

  it("loads rig.config.json from the root, or RIG_CONFIG; a missing default file means only sim", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "rig-config-"));
    expect(Object.keys(profilesOf(await loadConfig({ root, env: {} })))).toEqual(["sim"]);
    await writeFile(path.join(root, "rig.config.json"), JSON.stringify(vllm));
    expect(Object.keys(profilesOf(await loadConfig({ root, env: {} })))).toEqual(["sim", "vllm"]);
    await writeFile(path.join(root, "other.json"), "{ nope");
    await expect(loadConfig({ root, env: { RIG_CONFIG: "other.json" } })).rejects.toThrow(/other.json: not valid JSON/);
    await expect(loadConfig({ root, env: { RIG_CONFIG: "missing.json" } })).rejects.toThrow(/missing.json: cannot read/);
  });

  it("the shipped rig.config.example.json is valid", async () => {
    const example = JSON.parse(await readFile(path.resolve(import.meta.dirname, "../../../rig.config.example.json"), "utf8")) as unknown;
    expect(Object.keys(profilesOf(parseConfig(example)))).toEqual(["sim", "vllm-qwen", "ollama", "openai", "comfyui-detector"]);
  });
});
