import { describe, expect, it } from "vitest";
import { RoleError } from "../roles/errors";
import type { RoleCallOptions } from "../roles/types";
import { runLoop } from "./engine";
import type { LoopEvent } from "./events";
import { eventLog, fakeRoles, score, target, type FakeOptions } from "./test-support";

const PROMPT = "eight things in a row";

/** A hook that reports `steps` progress units synchronously, as a sampler would. */
const reports =
  (steps: number, stage?: string) =>
  (_call: number, options: RoleCallOptions): void => {
    for (let done = 1; done <= steps; done++) options.onProgress?.({ done, total: steps, ...(stage ? { stage } : {}) });
  };

function setup(options: FakeOptions, onEvent?: (event: LoopEvent) => void | Promise<void>) {
  const fakes = fakeRoles(options);
  const log = eventLog();
  const run = () =>
    runLoop(
      { target, prompt: PROMPT, seed: 7, maxIterations: 2 },
      {
        roles: fakes.roles,
        score,
        onEvent: async (event) => {
          log.onEvent(event);
          await onEvent?.(event);
        },
      },
    );
  return { ...fakes, log, run };
}

describe("runLoop: role progress", () => {
  it("emits each call's reports as role-progress events, in order, before that call's end event", async () => {
    const { run, log } = setup({
      script: [2, 8],
      judge: true,
      hooks: { diffuser: reports(2, "3"), checker: reports(1), actor: reports(1), editor: reports(3), judge: reports(1) },
    });
    await run();
    expect(log.summary()).toEqual([
      "run-start",
      "iteration-start:0",
      "role-progress:0:diffuser:1/2",
      "role-progress:0:diffuser:2/2",
      "image-end:0:diffuser",
      "role-progress:0:checker:1/1",
      "check-end:0",
      "iteration-end:0",
      "iteration-start:1",
      "role-progress:1:actor:1/1",
      "role-progress:1:editor:1/3",
      "role-progress:1:editor:2/3",
      "role-progress:1:editor:3/3",
      "image-end:1:editor",
      "edit-end:1",
      "role-progress:1:checker:1/1",
      "check-end:1",
      "iteration-end:1",
      "role-progress:1:judge:1/1",
      "run-end",
    ]);
    expect(log.events[2]).toEqual({ type: "role-progress", iteration: 0, role: "diffuser", done: 1, total: 2, stage: "3" });
    expect(log.events[5]).toEqual({ type: "role-progress", iteration: 0, role: "checker", done: 1, total: 1 });
  });

  it("awaits a slow subscriber for every report and settles them all before the call's end event", async () => {
    let delivered = 0;
    const { run, log } = setup({ script: [8], hooks: { diffuser: reports(4) } }, async (event) => {
      if (event.type !== "role-progress") return;
      await new Promise((resolve) => setTimeout(resolve, 5));
      delivered += 1;
    });
    await run();
    expect(delivered).toBe(4);
    expect(log.summary().slice(1, 7)).toEqual([
      "iteration-start:0",
      "role-progress:0:diffuser:1/4",
      "role-progress:0:diffuser:2/4",
      "role-progress:0:diffuser:3/4",
      "role-progress:0:diffuser:4/4",
      "image-end:0:diffuser",
    ]);
  });

  it("drops reports made after the call settled", async () => {
    let late: RoleCallOptions["onProgress"];
    const { run, log } = setup({
      script: [8],
      hooks: {
        diffuser: (_call, options) => {
          late = options.onProgress;
        },
        checker: () => late?.({ done: 9, total: 9 }),
      },
    });
    await run();
    expect(log.events.some((event) => event.type === "role-progress")).toBe(false);
  });

  it("fails the run with a subscriber's error on role-progress: later reports dropped, the call aborted, no end event", async () => {
    const failure = new Error("viewer gone");
    let seen = 0;
    const { run, log } = setup(
      {
        script: [2, 8],
        hooks: {
          editor: async (_call, options) => {
            options.onProgress?.({ done: 1, total: 3 });
            options.onProgress?.({ done: 2, total: 3 });
            await new Promise<void>((resolve) => options.signal!.addEventListener("abort", () => resolve(), { once: true }));
            options.onProgress?.({ done: 3, total: 3 });
            throw new RoleError("editor", "aborted", "the call was aborted");
          },
        },
      },
      (event) => {
        if (event.type !== "role-progress") return;
        seen += 1;
        throw failure;
      },
    );
    await expect(run()).rejects.toBe(failure);
    expect(seen).toBe(1);
    expect(log.summary().slice(-4)).toEqual(["iteration-end:0", "iteration-start:1", "role-progress:1:editor:1/3", "run-error:1"]);
    expect(log.events.at(-1)).toEqual({ type: "run-error", iteration: 1, role: undefined, code: "internal", message: "viewer gone", completedIterations: 1 });
  });

  it("reports a subscriber's error even when the call itself succeeds", async () => {
    const { run, log } = setup({ script: [8], hooks: { diffuser: reports(2) } }, (event) => {
      if (event.type === "role-progress") throw new Error("disk full");
    });
    await expect(run()).rejects.toThrow("disk full");
    expect(log.summary()).toEqual(["run-start", "iteration-start:0", "role-progress:0:diffuser:1/2", "run-error:0"]);
  });
});
