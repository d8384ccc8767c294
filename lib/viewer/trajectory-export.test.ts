import { describe, expect, it } from "vitest";
import { buildTrajectoryExport, imageUrl, trajectoryFileName } from "./trajectory-export";
import { makeIteration, makeRun } from "./__fixtures__/factories";

describe("buildTrajectoryExport", () => {
  it("exports every iteration with absolute image links and the best", () => {
    const run = makeRun({ status: "succeeded", iterations: [makeIteration(0), makeIteration(1)], bestIteration: 1 });
    const exported = buildTrajectoryExport(run, "http://localhost:3000");
    expect(exported.iterations).toHaveLength(2);
    expect(exported.iterations[1]!.image).toBe(`http://localhost:3000/api/images/${makeIteration(1).imageId}`);
    expect(exported.best?.index).toBe(1);
    expect(exported.target).toEqual(run.target);
    expect(JSON.parse(JSON.stringify(exported))).toEqual(exported);
  });

  it("records the profile, the back end of each role and the prompt versions in the settings, as the CLI does", () => {
    const backends = { profile: "local", roles: { diffuser: "a1111:sdxl", checker: "openai-compatible:qwen" }, promptVersions: { checker: "checker.v2" } };
    const exported = buildTrajectoryExport(makeRun({ settings: { seed: 1, maxIterations: 6, targetSgIoU: 1, patience: 3, profile: "local" }, backends }), "http://x");
    expect(exported.settings).toEqual({ seed: 1, maxIterations: 6, targetSgIoU: 1, patience: 3, profile: "local", backends: backends.roles, promptVersions: { checker: "checker.v2" } });
    expect(buildTrajectoryExport(makeRun(), "http://x").settings).toEqual(makeRun().settings);
  });

  it("has no best before the first iteration", () => {
    expect(buildTrajectoryExport(makeRun(), "http://x").best).toBeNull();
  });
});

describe("names", () => {
  it("builds image URLs and safe file names", () => {
    expect(imageUrl("ab", "thumb")).toBe("/api/images/ab?variant=thumb");
    expect(trajectoryFileName({ id: "a/b c" })).toBe("trajectory-a_b_c.json");
  });
});
