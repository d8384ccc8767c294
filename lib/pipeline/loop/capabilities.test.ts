import { describe, expect, it } from "vitest";
import { capabilityCatalogue } from "../backends/capabilities";
import { CapabilityError, type RoleCapabilities } from "./capabilities";
import { runLoop } from "./engine";
import { eventLog, fakeRoles, score, target } from "./test-support";
import type { LoopInput } from "./types";

function setup(capabilities: RoleCapabilities | undefined, input: Partial<LoopInput> = {}) {
  const fakes = fakeRoles({ script: [2, 8], judge: true, warnings: { editor: ["resized"] } });
  const log = eventLog();
  const run = () => runLoop({ target, prompt: "p", seed: 3, ...input }, { roles: fakes.roles, score, onEvent: log.onEvent, capabilities });
  return { ...fakes, log, run };
}

describe("runLoop: capabilities", () => {
  it("warns once per step for each call whose back end ignores seeds, in the call's and the step's warnings", async () => {
    const images = capabilityCatalogue["openai-images"];
    const vlm = capabilityCatalogue["openai-compatible"];
    const { run, log } = setup({ diffuser: images, editor: images, checker: vlm, judge: vlm });
    const result = await run();
    expect(result.iterations[0]!.warnings).toEqual([
      "diffuser: fake-diffuser does not honour seeds; replaying this iteration may give another image",
      "checker: fake-checker does not honour seeds; replaying this iteration may give another answer",
    ]);
    expect(result.iterations[1]!.warnings).toEqual([
      "editor: resized",
      "editor: fake-editor does not honour seeds; replaying this iteration may give another image",
      "checker: fake-checker does not honour seeds; replaying this iteration may give another answer",
    ]);
    expect(result.judgement!.warnings).toEqual(["fake-judge does not honour seeds; replaying this judgement may give another score"]);
    const editorImage = log.events.find((event) => event.type === "image-end" && event.role === "editor");
    expect(editorImage).toMatchObject({ warnings: ["resized", "fake-editor does not honour seeds; replaying this iteration may give another image"] });
  });

  it("adds nothing for back ends that honour seeds, nor for roles left out (the embedded world)", async () => {
    for (const capabilities of [undefined, { diffuser: capabilityCatalogue.a1111, editor: capabilityCatalogue.comfyui, checker: capabilityCatalogue["local-detector"] }]) {
      const result = await setup(capabilities).run();
      expect(result.iterations.flatMap((iteration) => iteration.warnings)).toEqual(["editor: resized"]);
      expect(result.judgement!.warnings).toEqual([]);
    }
  });

  it("refuses, before run-start, an Editor whose back end cannot edit", async () => {
    const { run, log, calls } = setup({ editor: { ...capabilityCatalogue.comfyui, canEdit: false } });
    const error = await run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CapabilityError);
    expect(error).toMatchObject({ role: "editor" });
    expect((error as Error).message).toBe(
      'editor: back end "fake-editor" cannot edit images (canEdit: false), and every iteration after the first is an edit; use an Editor back end that can (sim, openai-images, comfyui, a1111), or run with maxIterations 1',
    );
    expect(log.events).toEqual([]);
    expect(calls).toEqual([]);
  });

  it("runs a one-iteration run with such an Editor (it is never called)", async () => {
    const { run, calls } = setup({ editor: { ...capabilityCatalogue.comfyui, canEdit: false } }, { maxIterations: 1 });
    expect((await run()).stopReason).toBe("budget-spent");
    expect(calls.map((call) => call.role)).toEqual(["diffuser", "checker", "judge"]);
  });

  it("refuses a back end that cannot serve its role", async () => {
    const { run, log } = setup({ diffuser: capabilityCatalogue["openai-compatible"] });
    await expect(run()).rejects.toThrow('diffuser: back end "fake-diffuser" cannot serve the diffuser (it serves: checker, actor, judge)');
    expect(log.events).toEqual([]);
  });
});
