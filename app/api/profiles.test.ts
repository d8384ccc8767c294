import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/db/test-support";
import { publicConfigError } from "@/lib/jobs/profiles";
import { profileListResponseSchema } from "@/lib/schemas/profile";
import { apiErrorSchema, runDetailSchema } from "@/lib/schemas/run";
import { GET as listProfiles } from "./profiles/route";
import { GET as getRun } from "./runs/[id]/route";
import { POST as createRun } from "./runs/route";

useTestDatabase();

const SENTINEL = "sentinel-key-3c9f1a7be2d04e58a6";
const base = "http://localhost";
let dir: string;
let file: string;
const saved = { RIG_CONFIG: process.env.RIG_CONFIG, PROFILES_TEST_KEY: process.env.PROFILES_TEST_KEY };

const config = {
  defaultProfile: "remote",
  profiles: {
    remote: {
      description: "a VLM on a GPU box",
      roles: {
        checker: { backend: "openai-compatible", model: "Qwen/Qwen2.5-VL-7B-Instruct", baseURL: "http://10.1.2.3:8000/v1", apiKeyEnv: "PROFILES_TEST_KEY" },
        diffuser: { backend: "comfyui", model: "sd_xl_base_1.0.safetensors", baseURL: "http://10.1.2.4:8188" },
      },
    },
    keyless: { roles: { judge: { backend: "openai-compatible", model: "m", baseURL: "http://10.1.2.5:8000/v1", apiKeyEnv: "PROFILES_UNSET_KEY" } } },
    images: { roles: { diffuser: { backend: "openai-images", model: "img", baseURL: "http://10.1.2.6:8000/v1", options: { honorsSeed: true } } } },
  },
};

const post = (body: unknown) => createRun(new Request(`${base}/api/runs`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }));
async function profiles() {
  const response = await listProfiles();
  expect(response.status).toBe(200);
  const text = await response.text();
  return { text, body: profileListResponseSchema.parse(JSON.parse(text)) };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "rig-profiles-api-"));
  file = path.join(dir, "rig.config.json");
  await writeFile(file, JSON.stringify(config));
  process.env.RIG_CONFIG = file;
  process.env.PROFILES_TEST_KEY = SENTINEL;
  delete process.env.PROFILES_UNSET_KEY;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("GET /api/profiles", () => {
  it("lists each profile's roles with kind, model and capabilities, and never a URL, a key variable or a key", async () => {
    const { text, body } = await profiles();
    expect(body.defaultProfile).toBe("remote");
    expect(body.configError).toBeNull();
    expect(body.profiles.map((profile) => profile.name)).toEqual(["sim", "remote", "keyless", "images"]);
    const remote = body.profiles[1]!;
    expect(remote.description).toBe("a VLM on a GPU box");
    expect(remote.roles.map((role) => [role.role, role.backend, role.model])).toEqual([
      ["diffuser", "comfyui", "sd_xl_base_1.0.safetensors"],
      ["checker", "openai-compatible", "Qwen/Qwen2.5-VL-7B-Instruct"],
      ["actor", "sim", null],
      ["editor", "sim", null],
      ["judge", "sim", null],
    ]);
    expect(remote.roles[1]!.capabilities).toEqual({ canEdit: false, acceptsMask: false, honorsSeed: false, maxImagesPerCall: 0, structuredOutput: true });
    expect(remote.problems).toEqual([]);
    expect(body.profiles[2]!.problems).toEqual(["judge: the key it needs is not set on the server"]);
    // A role's options may declare a capability over the catalogue's (openai-images: no seeds by default).
    expect(body.profiles[3]!.roles[0]).toMatchObject({ role: "diffuser", backend: "openai-images", capabilities: { honorsSeed: true } });
    for (const secret of [SENTINEL, "10.1.2.", "PROFILES_TEST_KEY", "PROFILES_UNSET_KEY", "baseURL", "apiKeyEnv"]) expect(text).not.toContain(secret);
  });

  it("keeps working on a broken config: only sim, with the config error; creating a run on another profile fails with it", async () => {
    await writeFile(file, JSON.stringify({ profiles: { bad: { roles: { checker: { backend: "openai-compatible", apiKey: SENTINEL } } } } }));
    try {
      const { text, body } = await profiles();
      expect(body.profiles.map((profile) => profile.name)).toEqual(["sim"]);
      expect(body.defaultProfile).toBe("sim");
      expect(body.configError).toMatch(/^rig\.config\.json: profiles\.bad\.roles\.checker\.apiKey: secrets are not allowed/m);
      expect(text).not.toContain(SENTINEL);
      expect(text).not.toContain(dir);

      const before = await db().run.count();
      const refused = await post({ input: "a cat left of a dog", settings: { profile: "remote" } });
      expect(refused.status).toBe(400);
      const error = apiErrorSchema.parse(await refused.json()).error;
      expect(error.code).toBe("bad_request:profile");
      expect(error.message).toMatch(/^settings\.profile: profile "remote" cannot be used, the server's back-end config is broken \(only "sim" works\): rig\.config\.json: /);
      expect(await db().run.count()).toBe(before);
      // sim still works, and is the default.
      expect((await post({ input: "a cat left of a dog" })).status).toBe(201);
    } finally {
      await writeFile(file, JSON.stringify(config));
    }
  });

  it("says what is wrong with a file that is not JSON without quoting it", () => {
    const error = new Error(`/srv/rig/rig.config.json: not valid JSON: Unexpected token 's', "{"key": sk-abc…" is not valid JSON at position 9`);
    expect(publicConfigError(error, "/srv/rig/rig.config.json")).toBe("rig.config.json: not valid JSON (at position 9)");
  });
});

describe("POST /api/runs with a profile", () => {
  it("refuses an unknown profile with a 400 naming settings.profile and listing the profiles, writing nothing", async () => {
    const before = await db().run.count();
    const response = await post({ input: "a cat left of a dog", settings: { profile: "gpu-box" } });
    expect(response.status).toBe(400);
    const { error } = apiErrorSchema.parse(await response.json());
    expect(error).toEqual({ code: "bad_request:profile", message: 'settings.profile: unknown profile "gpu-box"; available profiles: sim, remote, keyless, images' });
    expect(await db().run.count()).toBe(before);
  });

  it("stores the chosen profile's name only, and the config's default profile when none is sent", async () => {
    const chosen = await post({ input: "a cat left of a dog", settings: { profile: "keyless", seed: 4 } });
    expect(chosen.status).toBe(201);
    const { id } = (await chosen.json()) as { id: string };
    const run = runDetailSchema.parse(await (await getRun(new Request(`${base}/api/runs/${id}`), { params: Promise.resolve({ id }) })).json());
    expect(run.settings).toEqual({ seed: 4, maxIterations: 6, targetSgIoU: 1, patience: 3, profile: "keyless" });

    const defaulted = await post({ input: "a cat left of a dog" });
    const stored = await db().run.findUniqueOrThrow({ where: { id: ((await defaulted.json()) as { id: string }).id } });
    expect(stored.settings).toMatchObject({ profile: "remote" });
    expect(JSON.stringify(stored)).not.toContain("10.1.2.");
  });
});
