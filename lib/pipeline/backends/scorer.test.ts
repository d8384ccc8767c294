import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config";
import { resolveScorer } from "./scorer";

const env = {};
const a1111 = { diffuser: { backend: "a1111", baseURL: "http://127.0.0.1:9" }, editor: { backend: "a1111", baseURL: "http://127.0.0.1:9" } };

describe("resolveScorer", () => {
  it("grades the embedded world by its oracle, by default and when named", () => {
    const config = parseConfig({ profiles: { paced: { roles: { checker: { backend: "sim", options: { latencyMs: 1 } } } } } });
    expect(resolveScorer(config, "sim", { env }).scoredBy).toBe("oracle");
    expect(resolveScorer(config, "paced", { env })).toMatchObject({ scoredBy: "oracle", scorer: { name: "sim-oracle" } });
  });

  it("is self-graded, and says so, when the images are not the world's and no Scorer is named", () => {
    const config = parseConfig({ profiles: { photo: { roles: a1111 } } });
    expect(resolveScorer(config, "photo", { env })).toEqual({ scorer: undefined, scoredBy: "checker" });
  });

  it("uses another profile's Checker when the profile names one", () => {
    const config = parseConfig({ profiles: { photo: { scorer: "detector", roles: a1111 }, detector: { roles: { checker: { backend: "local-detector" } } } } });
    expect(resolveScorer(config, "photo", { env })).toMatchObject({ scoredBy: "detector:local-detector", scorer: { name: "local-detector" } });
  });

  it("refuses the oracle for images the world does not draw, and an unknown scorer profile", () => {
    const config = parseConfig({ profiles: { photo: { scorer: "oracle", roles: a1111 } } });
    expect(() => resolveScorer(config, "photo", { env })).toThrow(ConfigError);
    expect(() => resolveScorer(config, "photo", { env })).toThrow(/scorer "oracle" grades only images the embedded world draws/);
    expect(() => parseConfig({ profiles: { photo: { scorer: "nope", roles: a1111 } } }, "rig.config.json")).toThrow(
      'rig.config.json: profiles.photo.scorer: no profile "nope" (use "oracle", "checker" or a profile name)',
    );
  });
});
