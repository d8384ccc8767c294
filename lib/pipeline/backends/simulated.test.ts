import { describe, expect, it } from "vitest";
import { allSimBackends, simulatedRoles, simulatorNotice } from "./simulated";

describe("simulatorNotice", () => {
  it("names every role for the built-in profile and only the simulated ones for a mixed profile", () => {
    expect(simulatorNotice(allSimBackends)).toMatch(/^SIMULATED: every role ran on rl-rig's embedded CPU world/);
    const mixed = { diffuser: "a1111:sdxl", checker: "local-detector", actor: "sim", editor: "a1111:sdxl", judge: "local-detector" };
    expect(simulatedRoles(mixed)).toEqual(["actor"]);
    expect(simulatorNotice(mixed)).toMatch(/^SIMULATED: actor ran on/);
  });

  it("is null when no role is simulated", () => {
    expect(simulatorNotice({ diffuser: "comfyui:flux", checker: "openai-compatible:qwen", actor: "openai-compatible:qwen", editor: "comfyui:flux", judge: "openai-compatible:qwen" })).toBeNull();
  });
});
