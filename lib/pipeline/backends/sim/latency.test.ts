import { describe, expect, it } from "vitest";
import { parseConfig } from "../config";
import { resolveProfile } from "../registry";

const config = (latencyMs: unknown) => parseConfig({ profiles: { paced: { roles: { checker: { backend: "sim", options: { latencyMs } } } } } });

describe("sim latencyMs", () => {
  it("makes each call of the configured role wait that long", async () => {
    const profile = resolveProfile(config(200), "paced", { env: {} });
    const { image } = await profile.roles.diffuser.generate("a cup left of a laptop", { seed: 1 });
    const generated = performance.now();
    const target = { objects: [{ id: "cup", label: "cup", attributes: [] }], relations: [] };
    await profile.roles.checker.check(image, target, { seed: 1 });
    expect(performance.now() - generated).toBeGreaterThanOrEqual(195);
  });

  it("ends the wait when the call is aborted", async () => {
    const profile = resolveProfile(config(60_000), "paced", { env: {} });
    const { image } = await profile.roles.diffuser.generate("a cup", { seed: 1 });
    const controller = new AbortController();
    const call = profile.roles.checker.check(image, { objects: [{ id: "cup", label: "cup", attributes: [] }], relations: [] }, { seed: 1, signal: controller.signal });
    controller.abort(new Error("stopped"));
    await expect(call).rejects.toThrow("stopped");
  });

  it("refuses a value that is not a whole number of milliseconds, saying where", () => {
    expect(() => resolveProfile(config(-5), "paced", { env: {} })).toThrow(/profile "paced": checker.options.latencyMs must be a whole number/);
    expect(() => resolveProfile(config("slow"), "paced", { env: {} })).toThrow(/checker.options.latencyMs/);
  });
});
