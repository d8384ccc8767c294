import { describe, expect, it } from "vitest";
import { createEvaluationRequestSchema, evaluationSettingsSchema } from "./evaluation";
import { profileListResponseSchema } from "./profile";
import { createRunRequestSchema, runDetailSchema, runStreamEventSchema, storedRunSettingsSchema, upgradeLegacySettings } from "./run";

describe("run settings", () => {
  it("reads settings stored before profiles (backend: sim) back as profile sim, losing nothing", () => {
    const legacy = { seed: 7, maxIterations: 4, targetSgIoU: 0.9, patience: 2, backend: "sim" };
    expect(storedRunSettingsSchema.parse(legacy)).toEqual({ seed: 7, maxIterations: 4, targetSgIoU: 0.9, patience: 2, profile: "sim" });
    expect(storedRunSettingsSchema.parse({ seed: 1, maxIterations: 6, targetSgIoU: 1, patience: 3, profile: "vllm-qwen" }).profile).toBe("vllm-qwen");
    expect(storedRunSettingsSchema.parse({})).toEqual({ seed: 1, maxIterations: 6, targetSgIoU: 1, patience: 3, profile: "sim" });
  });

  it("takes a profile name in a request, leaves it out when not sent (the server picks its default), and accepts backend as its alias", () => {
    expect(createRunRequestSchema.parse({ input: "a cat" }).settings).toEqual({});
    expect(createRunRequestSchema.parse({ input: "a cat", settings: { seed: 2 } }).settings).toEqual({ seed: 2 });
    expect(createRunRequestSchema.parse({ input: "a cat", settings: { profile: "comfy-qwen" } }).settings).toEqual({ profile: "comfy-qwen" });
    expect(createRunRequestSchema.parse({ input: "a cat", settings: { backend: "sim" } }).settings).toEqual({ profile: "sim" });
    expect(upgradeLegacySettings({ backend: "a", profile: "b" })).toEqual({ backend: "a", profile: "b" });
  });

  it("refuses anything but a name as a profile: no URLs, no objects, no extra fields", () => {
    for (const profile of ["http://127.0.0.1:8000/v1", "", "a b", { baseURL: "http://x" }, 3]) {
      const parsed = createRunRequestSchema.safeParse({ input: "a cat", settings: { profile } });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(["settings", "profile"]);
    }
    expect(createRunRequestSchema.safeParse({ input: "a cat", settings: { profile: "sim", baseURL: "http://x" } }).success).toBe(false);
    expect(createRunRequestSchema.safeParse({ input: "a cat", settings: { backend: "a", profile: "b" } }).success).toBe(false);
  });

  it("gives evaluations the same profile field", () => {
    expect(evaluationSettingsSchema.parse({ seed: 1, maxIterations: 6, targetSgIoU: 1, patience: 3 }).profile).toBe("sim");
    expect(createEvaluationRequestSchema.parse({ name: "x", format: "text", text: "a cat", settings: { profile: "local" } }).settings).toEqual({ profile: "local" });
    expect(createEvaluationRequestSchema.safeParse({ name: "x", format: "text", text: "a cat", settings: { profile: "no way" } }).success).toBe(false);
  });
});

describe("run detail and stream events", () => {
  it("carries what served the run, and a live progress event", () => {
    const backends = { profile: "local", roles: { diffuser: "comfyui:sdxl.safetensors", checker: "openai-compatible:qwen" }, promptVersions: { checker: "checker.v2" } };
    expect(runDetailSchema.shape.backends.parse(backends)).toEqual(backends);
    expect(runDetailSchema.shape.backends.parse(null)).toBeNull();
    expect(runStreamEventSchema.parse({ type: "progress", iteration: 1, role: "editor", done: 3, total: 20, stage: "sampling" })).toMatchObject({ type: "progress", done: 3 });
    expect(runStreamEventSchema.parse({ type: "backends", backends })).toMatchObject({ type: "backends" });
    expect(runStreamEventSchema.safeParse({ type: "progress", iteration: 1, role: "painter", done: 3, total: 20 }).success).toBe(false);
  });
});

describe("GET /api/profiles response", () => {
  const role = { role: "checker", backend: "openai-compatible", model: "qwen", capabilities: { canEdit: false, acceptsMask: false, honorsSeed: false, maxImagesPerCall: 0, structuredOutput: true } };
  const body = { defaultProfile: "sim", profiles: [{ name: "q", description: null, roles: [role], problems: [] }], configError: null, actorPolicies: ["heuristic", "uniform"], editorPolicies: ["heuristic", "uniform"] };

  it("is strict: a base URL or a key variable cannot ride along", () => {
    expect(profileListResponseSchema.parse(body)).toEqual(body);
    expect(profileListResponseSchema.safeParse({ ...body, profiles: [{ ...body.profiles[0], roles: [{ ...role, baseURL: "http://127.0.0.1:8000/v1" }] }] }).success).toBe(false);
    expect(profileListResponseSchema.safeParse({ ...body, profiles: [{ ...body.profiles[0], roles: [{ ...role, apiKeyEnv: "OPENAI_API_KEY" }] }] }).success).toBe(false);
    expect(profileListResponseSchema.safeParse({ ...body, profiles: [{ ...body.profiles[0], apiKey: "x" }] }).success).toBe(false);
  });
});
