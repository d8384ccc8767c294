import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../config";
import { resolveProfile } from "../registry";
import { LocalDetectorChecker } from "./checker";

const config = (options: Record<string, unknown>) =>
  parseConfig({ profiles: { detector: { roles: { checker: { backend: "local-detector", options } } } } });

describe("resolveProfile with a local-detector Checker", () => {
  it("builds the Checker from the profile's options and keeps the other roles on the embedded world", () => {
    const profile = resolveProfile(config({ minScore: 0.4, maxBoxes: 10 }), "detector", { env: {} });
    expect(profile.roles.checker).toBeInstanceOf(LocalDetectorChecker);
    expect(profile.backends).toMatchObject({ checker: "local-detector", diffuser: "sim", actor: "sim" });
    expect(profile.capabilities.checker.roles).toEqual(["checker", "judge"]);
  });

  it("fails loudly on options it does not know or cannot use", () => {
    expect(() => resolveProfile(config({ minScore: 2 }), "detector", { env: {} })).toThrow(ConfigError);
    expect(() => resolveProfile(config({ threshold: 0.5 }), "detector", { env: {} })).toThrow(/local-detector options: .*threshold/);
  });

  it("does not load TensorFlow.js when the profile is resolved, only on the first check", async () => {
    const script = `
      import { createRequire } from "node:module";
      const { resolveProfile } = await import("./lib/pipeline/backends/registry.ts");
      const { parseConfig } = await import("./lib/pipeline/backends/config.ts");
      const profile = resolveProfile(parseConfig({ profiles: { d: { roles: { checker: { backend: "local-detector" } } } } }), "d", { env: {} });
      const tensorflow = () => Object.keys(createRequire(import.meta.url).cache).filter((file) => file.includes("@tensorflow")).length;
      const before = tensorflow();
      const image = { width: 8, height: 8, data: new Uint8ClampedArray(8 * 8 * 4).fill(255) };
      await profile.roles.checker.check(image, { objects: [{ id: "a", label: "cup", attributes: [] }], relations: [] }, { seed: 1 });
      console.log(JSON.stringify({ before, after: tensorflow() }));
    `;
    const { stdout } = await promisify(execFile)("npx", ["tsx", "--input-type=module", "-e", script], { cwd: process.cwd() });
    const { before, after } = JSON.parse(stdout.trim().split("\n").pop()!) as { before: number; after: number };
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(0);
  });
});
