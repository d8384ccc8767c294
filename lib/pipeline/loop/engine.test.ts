import { describe, expect, it } from "vitest";
import { RoleError } from "../roles/errors";
import { runLoop } from "./engine";
import type { RunErrorEvent } from "./events";
import { deriveSeed } from "./seeds";
import { eventLog, fakeRoles, manualClock, ROLE_COST_MS, score, target, type FakeOptions } from "./test-support";
import type { LoopInput, RoleRetryPolicy } from "./types";

const PROMPT = "eight things in a row";

/** Retries are off unless a test turns them on (their own tests are under "runLoop: retries"). */
function setup(options: FakeOptions, input: Partial<LoopInput> = {}, retry: RoleRetryPolicy = { attempts: 0, delayMs: 0 }) {
  const clock = options.clock ?? manualClock();
  const fakes = fakeRoles({ ...options, clock });
  const log = eventLog();
  const run = () =>
    runLoop(
      { target, prompt: PROMPT, seed: 7, ...input },
      { roles: fakes.roles, score, now: clock.now, onEvent: log.onEvent, retry },
    );
  return { ...fakes, log, run, clock };
}

describe("runLoop: best iteration", () => {
  it("keeps the best iteration when later edits make things worse", async () => {
    const { run } = setup({ script: [2, 6, 4, 3] }, { maxIterations: 4, patience: 5 });
    const result = await run();
    expect(result.iterations.map((iteration) => iteration.metrics.sgIoU)).toEqual([0.25, 0.75, 0.5, 0.375]);
    expect(result.best).toBe(1);
    expect(result.stopReason).toBe("budget-spent");
  });

  it("breaks ties towards the earliest iteration", async () => {
    const { run } = setup({ script: [4, 4, 4] }, { maxIterations: 3, patience: 5 });
    expect((await run()).best).toBe(0);
  });
});

describe("runLoop: stop conditions", () => {
  it("stops when the target SG-IoU is reached", async () => {
    const { run, calls } = setup({ script: [2, 5, 8, 3] });
    const result = await run();
    expect(result.stopReason).toBe("target-reached");
    expect(result.iterations).toHaveLength(3);
    expect(result.best).toBe(2);
    expect(calls.filter((call) => call.role === "editor")).toHaveLength(2);
  });

  it("stops after the generation alone when it is already perfect", async () => {
    const { run, calls } = setup({ script: [8] });
    const result = await run();
    expect(result.stopReason).toBe("target-reached");
    expect(result.iterations).toHaveLength(1);
    expect(calls.map((call) => call.role)).toEqual(["diffuser", "checker"]);
  });

  it("honours a lower target", async () => {
    const { run } = setup({ script: [2, 6, 7] }, { targetSgIoU: 0.7 });
    const result = await run();
    expect(result.stopReason).toBe("target-reached");
    expect(result.iterations).toHaveLength(2);
  });

  it("spends at most maxIterations iterations, the first generation included (default 6)", async () => {
    const { run, calls } = setup({ script: [1, 2, 3, 4, 5, 6, 7, 7] });
    const result = await run();
    expect(result.stopReason).toBe("budget-spent");
    expect(result.iterations.map((iteration) => iteration.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(calls.filter((call) => call.role === "diffuser")).toHaveLength(1);
    expect(calls.filter((call) => call.role === "editor")).toHaveLength(5);

    const single = setup({ script: [1] }, { maxIterations: 1 });
    const only = await single.run();
    expect(only.stopReason).toBe("budget-spent");
    expect(only.iterations).toHaveLength(1);
  });

  it("stops after `patience` iterations without improvement (default 3)", async () => {
    const { run } = setup({ script: [4, 3, 4, 2, 7] }, { maxIterations: 10 });
    const result = await run();
    expect(result.stopReason).toBe("no-improvement");
    expect(result.iterations).toHaveLength(4);
    expect(result.best).toBe(0);
  });

  it("restarts the patience count when the score improves", async () => {
    const { run } = setup({ script: [2, 2, 3, 3, 3, 8] }, { maxIterations: 10, patience: 2 });
    const result = await run();
    expect(result.stopReason).toBe("no-improvement");
    expect(result.iterations).toHaveLength(5);
    expect(result.best).toBe(2);
  });

  it("reports the target over the budget when both hold at once", async () => {
    const { run } = setup({ script: [2, 8] }, { maxIterations: 2 });
    expect((await run()).stopReason).toBe("target-reached");
  });

  it("rejects settings it cannot honour before emitting anything", async () => {
    for (const bad of [{ maxIterations: 0 }, { patience: 0 }, { targetSgIoU: 1.5 }, { seed: 0.5 }, { maxIterations: 2.5 }]) {
      const { run, log } = setup({ script: [1] }, bad);
      await expect(run()).rejects.toThrow(RangeError);
      expect(log.events).toEqual([]);
    }
  });
});

describe("runLoop: seeds", () => {
  it("derives every call's seed from the run seed, the iteration and the role", async () => {
    const { run, calls } = setup({ script: [1, 2, 3], judge: true }, { maxIterations: 3, seed: 1234 });
    const result = await run();
    expect(calls.map((call) => [call.role, call.seed])).toEqual([
      ["diffuser", deriveSeed(1234, 0, "diffuser")],
      ["checker", deriveSeed(1234, 0, "checker")],
      ["actor", deriveSeed(1234, 1, "actor")],
      ["editor", deriveSeed(1234, 1, "editor")],
      ["checker", deriveSeed(1234, 1, "checker")],
      ["actor", deriveSeed(1234, 2, "actor")],
      ["editor", deriveSeed(1234, 2, "editor")],
      ["checker", deriveSeed(1234, 2, "checker")],
      ["judge", deriveSeed(1234, 2, "judge")],
    ]);
    expect(result.iterations[1]?.seeds).toEqual({
      actor: deriveSeed(1234, 1, "actor"),
      editor: deriveSeed(1234, 1, "editor"),
      checker: deriveSeed(1234, 1, "checker"),
    });
    expect(result.judgement?.seed).toBe(deriveSeed(1234, 2, "judge"));
  });

  it("replays the same run from the same seed and a different one from another", async () => {
    const once = setup({ script: [1, 3, 2, 5] }, { seed: 99, maxIterations: 4 });
    const again = setup({ script: [1, 3, 2, 5] }, { seed: 99, maxIterations: 4 });
    const other = setup({ script: [1, 3, 2, 5] }, { seed: 100, maxIterations: 4 });
    const [first, second, third] = [await once.run(), await again.run(), await other.run()];
    expect(second).toEqual(first);
    expect(again.calls.map((call) => call.seed)).toEqual(once.calls.map((call) => call.seed));
    expect(again.log.events).toEqual(once.log.events);

    const otherSeeds = other.calls.map((call) => call.seed);
    once.calls.forEach((call, index) => expect(otherSeeds[index]).not.toBe(call.seed));
    expect(third.iterations[0]?.image.data).not.toEqual(first.iterations[0]?.image.data);
    expect(third.iterations.map((iteration) => iteration.instruction)).not.toEqual(
      first.iterations.map((iteration) => iteration.instruction),
    );
  });
});

describe("runLoop: events", () => {
  it("emits events in exactly the documented order", async () => {
    const { run, log } = setup({ script: [2, 4, 8], judge: true });
    await run();
    expect(log.summary()).toEqual([
      "run-start",
      "iteration-start:0",
      "image-end:0:diffuser",
      "check-end:0",
      "iteration-end:0",
      "iteration-start:1",
      "image-end:1:editor",
      "edit-end:1",
      "check-end:1",
      "iteration-end:1",
      "iteration-start:2",
      "image-end:2:editor",
      "edit-end:2",
      "check-end:2",
      "iteration-end:2",
      "run-end",
    ]);
  });

  it("carries the payloads the result is made of", async () => {
    const { run, log } = setup({ script: [2, 4], judge: true }, { maxIterations: 2, seed: 3 });
    const result = await run();
    const [start] = log.events;
    expect(start).toMatchObject({
      type: "run-start",
      prompt: PROMPT,
      seed: 3,
      settings: { maxIterations: 2, targetSgIoU: 1, patience: 3 },
      roles: { diffuser: "fake-diffuser", checker: "fake-checker", actor: "fake-actor", editor: "fake-editor", judge: "fake-judge" },
    });
    const ends = log.events.flatMap((event) => (event.type === "iteration-end" ? [event.record] : []));
    expect(ends).toEqual(result.iterations);
    const edit = log.events.find((event) => event.type === "edit-end");
    expect(edit).toEqual({ type: "edit-end", iteration: 1, instruction: result.iterations[1]?.instruction, image: result.iterations[1]?.image });
    const check = log.events.find((event) => event.type === "check-end");
    expect(check).toMatchObject({ iteration: 0, metrics: { sgIoU: 0.25 }, detected: result.iterations[0]?.detected });
    expect(log.events.at(-1)).toEqual({
      type: "run-end",
      summary: {
        iterationCount: 2,
        best: 1,
        bestMetrics: result.iterations[1]?.metrics,
        stopReason: "budget-spent",
        judgement: result.judgement,
        totalMs: result.totalMs,
      },
    });
  });

  it("awaits the subscriber before going on (back-pressure)", async () => {
    const fakes = fakeRoles({ script: [2, 8] });
    const seen: string[] = [];
    await runLoop(
      { target, prompt: PROMPT, seed: 1 },
      {
        roles: fakes.roles,
        score,
        onEvent: async (event) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          seen.push(`${event.type} after ${fakes.calls.length} calls`);
        },
      },
    );
    expect(seen.slice(0, 3)).toEqual(["run-start after 0 calls", "iteration-start after 0 calls", "image-end after 1 calls"]);
  });
});

describe("runLoop: the actor's view", () => {
  it("passes the latest image and critique, and a growing history of instructions", async () => {
    const { run, calls } = setup({ script: [1, 2, 3, 4] }, { maxIterations: 4 });
    const result = await run();
    const actorInputs = calls.filter((call) => call.role === "actor").map((call) => call.input as { history: string[]; image: unknown; critique: unknown });
    expect(actorInputs.map((input) => input.history)).toEqual([
      [],
      [result.iterations[1]?.instruction],
      [result.iterations[1]?.instruction, result.iterations[2]?.instruction],
    ]);
    actorInputs.forEach((input, index) => {
      expect(input.image).toBe(result.iterations[index]?.image);
      expect(input.critique).toBe(result.iterations[index]?.critique);
    });
    const editorInstructions = calls.filter((call) => call.role === "editor").map((call) => call.input);
    expect(editorInstructions).toEqual(result.iterations.slice(1).map((iteration) => iteration.instruction));
    expect(result.iterations[0]?.instruction).toBeUndefined();
  });
});

describe("runLoop: warnings, durations, judge", () => {
  it("collects every role's warnings, prefixed by the role", async () => {
    const { run, log } = setup(
      { script: [2, 8], judge: true, warnings: { diffuser: ["seed ignored"], checker: ["low light"], actor: ["retried once"], editor: ["mask ignored", "resized"], judge: ["slow"] } },
    );
    const result = await run();
    expect(result.iterations[0]?.warnings).toEqual(["diffuser: seed ignored", "checker: low light"]);
    expect(result.iterations[1]?.warnings).toEqual(["actor: retried once", "editor: mask ignored", "editor: resized", "checker: low light"]);
    expect(result.judgement?.warnings).toEqual(["slow"]);
    const imageEnd = log.events.find((event) => event.type === "image-end" && event.role === "editor");
    expect(imageEnd).toMatchObject({ warnings: ["mask ignored", "resized"] });
  });

  it("times every call with the injected clock", async () => {
    const clock = manualClock(50);
    const { run } = setup({ script: [2, 8], judge: true, clock });
    const result = await run();
    expect(result.iterations[0]?.durationsMs).toEqual({ diffuser: ROLE_COST_MS.diffuser, checker: ROLE_COST_MS.checker });
    expect(result.iterations[1]?.durationsMs).toEqual({ actor: ROLE_COST_MS.actor, editor: ROLE_COST_MS.editor, checker: ROLE_COST_MS.checker });
    expect(result.judgement?.durationMs).toBe(ROLE_COST_MS.judge);
    const { diffuser, checker, actor, editor, judge } = ROLE_COST_MS;
    expect(result.totalMs).toBe(diffuser + checker + actor + editor + checker + judge);
  });

  it("judges the best image with the prompt and keeps the judgement", async () => {
    const { run, calls } = setup({ script: [3, 6, 2, 2, 2], judge: true }, { maxIterations: 5 });
    const result = await run();
    expect(result.best).toBe(1);
    const judged = calls.find((call) => call.role === "judge");
    expect(judged?.input).toEqual({ image: result.iterations[1]?.image, prompt: PROMPT });
    expect(result.judgement).toMatchObject({ score: 7, rationale: "looks right", iteration: 1 });
  });

  it("leaves the judgement out without a judge", async () => {
    const { run } = setup({ script: [8] });
    expect(await run()).not.toHaveProperty("judgement");
  });
});

describe("runLoop: retries", () => {
  const waits: number[] = [];
  const policy: RoleRetryPolicy = { attempts: 2, delayMs: 100, sleep: async (ms) => void waits.push(ms) };

  it("calls a role again, same seed, after a retryable failure, and says so on the iteration", async () => {
    waits.length = 0;
    const failure = new RoleError("editor", "timeout", "no answer within 1500 ms", true);
    const seeds: number[] = [];
    // The fake counts a call only once it succeeds, so count attempts here.
    const { run } = setup({ script: [1, 8], hooks: { editor: (_call, options) => { seeds.push(options.seed); if (seeds.length <= 2) throw failure; } } }, { maxIterations: 2 }, policy);
    const result = await run();
    expect(result.iterations).toHaveLength(2);
    expect(waits).toEqual([100, 200]);
    expect(new Set(seeds).size, "every attempt gets the same seed").toBe(1);
    expect(result.iterations[1]!.warnings.filter((warning) => warning.startsWith("editor: retried after"))).toHaveLength(2);
  });

  it("gives up after the last attempt with the role's error, and never retries what cannot help", async () => {
    waits.length = 0;
    const persistent = new RoleError("checker", "backend_unavailable", "HTTP 503", true);
    await expect(setup({ script: [1, 8], hooks: { checker: () => { throw persistent; } } }, {}, policy).run()).rejects.toBe(persistent);
    expect(waits).toEqual([100, 200]);
    waits.length = 0;
    const final = new RoleError("checker", "invalid_input", "the image is empty");
    await expect(setup({ script: [1, 8], hooks: { checker: () => { throw final; } } }, {}, policy).run()).rejects.toBe(final);
    expect(waits).toEqual([]);
  });
});

describe("runLoop: failures", () => {
  it("emits run-error and rejects with the role's own error, after reporting the completed iterations", async () => {
    const failure = new RoleError("editor", "backend_unavailable", "connection refused", true);
    const { run, log } = setup({
      script: [1, 2, 3, 4],
      hooks: { editor: (call) => { if (call === 1) throw failure; } },
    });
    await expect(run()).rejects.toBe(failure);
    expect(log.summary().slice(-3)).toEqual(["iteration-end:1", "iteration-start:2", "run-error:2"]);
    const error = log.events.at(-1) as RunErrorEvent;
    expect(error).toEqual({
      type: "run-error",
      iteration: 2,
      role: "editor",
      code: "backend_unavailable",
      message: "editor: connection refused",
      completedIterations: 2,
    });
    expect(log.events.filter((event) => event.type === "iteration-end")).toHaveLength(2);
    expect(log.events.some((event) => event.type === "run-end")).toBe(false);
  });

  it("reports anything else as internal, naming the role in flight", async () => {
    const { run, log } = setup({ script: [1], hooks: { diffuser: () => { throw new Error("out of memory"); } } });
    await expect(run()).rejects.toThrow("out of memory");
    expect(log.events.at(-1)).toEqual({ type: "run-error", iteration: 0, role: "diffuser", code: "internal", message: "out of memory", completedIterations: 0 });
  });

  it("names no role when the score function fails", async () => {
    const fakes = fakeRoles({ script: [1, 2] });
    const log = eventLog();
    let scored = 0;
    const failing = runLoop(
      { target, prompt: PROMPT, seed: 1 },
      {
        roles: fakes.roles,
        score: (goal, detected) => {
          if (scored++ === 1) throw new Error("bad graph");
          return score(goal, detected);
        },
        onEvent: log.onEvent,
      },
    );
    await expect(failing).rejects.toThrow("bad graph");
    expect(log.events.at(-1)).toEqual({ type: "run-error", iteration: 1, code: "internal", message: "bad graph", completedIterations: 1, role: undefined });
  });

  it("fails the run when the judge fails", async () => {
    const failure = new RoleError("judge", "model_output_invalid", "score out of range");
    const { run, log } = setup({ script: [3, 8], judge: true, hooks: { judge: () => { throw failure; } } });
    await expect(run()).rejects.toBe(failure);
    expect(log.events.at(-1)).toMatchObject({ type: "run-error", iteration: 1, role: "judge", code: "model_output_invalid", completedIterations: 2 });
  });

  it("rejects with a subscriber's error and still tells it run-error", async () => {
    const fakes = fakeRoles({ script: [1, 2] });
    const seen: string[] = [];
    const failing = runLoop(
      { target, prompt: PROMPT, seed: 1 },
      {
        roles: fakes.roles,
        score,
        onEvent: (event) => {
          seen.push(event.type);
          if (event.type === "check-end") throw new Error("disk full");
        },
      },
    );
    await expect(failing).rejects.toThrow("disk full");
    expect(seen).toEqual(["run-start", "iteration-start", "image-end", "check-end", "run-error"]);
  });
});

describe("runLoop: cancellation", () => {
  it("gives every role call a signal that follows the run's", async () => {
    const controller = new AbortController();
    const seen: AbortSignal[] = [];
    const { run, calls } = setup(
      { script: [2, 5, 8], judge: true, hooks: { editor: (call, options) => { seen.push(options.signal!); if (call === 1) controller.abort(); } } },
      { signal: controller.signal },
    );
    expect((await run()).stopReason).toBe("cancelled");
    expect(calls.map((call) => call.role)).toEqual(["diffuser", "checker", "actor", "editor", "checker", "actor", "editor"]);
    for (const call of calls) expect(call.signal).toBeInstanceOf(AbortSignal);
    expect(seen.map((signal) => signal.aborted)).toEqual([false, true]);
  });

  it("resolves as cancelled with the completed iterations when aborted between calls", async () => {
    const controller = new AbortController();
    const { run, log, calls } = setup(
      { script: [2, 5, 3, 4], judge: true, hooks: { editor: (call) => { if (call === 1) controller.abort(); } } },
      { signal: controller.signal, maxIterations: 6 },
    );
    const result = await run();
    expect(result.stopReason).toBe("cancelled");
    expect(result.iterations).toHaveLength(2);
    expect(result.best).toBe(1);
    expect(result.judgement).toBeUndefined();
    // The editor's image of iteration 2 is dropped: the Checker was never asked about it.
    expect(calls.map((call) => call.role).slice(-2)).toEqual(["actor", "editor"]);
    expect(log.summary().slice(-4)).toEqual(["iteration-start:2", "image-end:2:editor", "edit-end:2", "run-end"]);
    expect(log.events.at(-1)).toMatchObject({ type: "run-end", summary: { stopReason: "cancelled", iterationCount: 2, best: 1 } });
  });

  it("treats a role call that throws RoleError 'aborted' the same way", async () => {
    const { run, log } = setup({
      script: [2, 5, 3],
      hooks: { actor: (call) => { if (call === 1) throw new RoleError("actor", "aborted", "the call was aborted"); } },
    });
    const result = await run();
    expect(result.stopReason).toBe("cancelled");
    expect(result.iterations).toHaveLength(2);
    expect(log.events.some((event) => event.type === "run-error")).toBe(false);
  });

  it("treats any error thrown while the signal is aborted as cancellation", async () => {
    const controller = new AbortController();
    const { run } = setup(
      { script: [2, 5, 3], hooks: { checker: (call) => { if (call === 1) { controller.abort(); throw new DOMException("aborted", "AbortError"); } } } },
      { signal: controller.signal },
    );
    const result = await run();
    expect(result.stopReason).toBe("cancelled");
    expect(result.iterations).toHaveLength(1);
  });

  it("cancels during the judge without a judgement", async () => {
    const controller = new AbortController();
    const { run } = setup(
      { script: [3, 8], judge: true, hooks: { judge: () => { controller.abort(); throw new RoleError("judge", "aborted", "the call was aborted"); } } },
      { signal: controller.signal },
    );
    const result = await run();
    expect(result).toMatchObject({ stopReason: "cancelled", best: 1 });
    expect(result.judgement).toBeUndefined();
  });

  it("rejects with RoleError 'aborted' when nothing completed", async () => {
    const controller = new AbortController();
    controller.abort();
    const { run, log, calls } = setup({ script: [2] }, { signal: controller.signal });
    const error = await run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RoleError);
    expect(error).toMatchObject({ code: "aborted", role: "diffuser" });
    expect(calls).toEqual([]);
    expect(log.summary()).toEqual(["run-start", "iteration-start:0", "run-error:0"]);
    expect(log.events.at(-1)).toMatchObject({ code: "aborted", completedIterations: 0 });
  });

  it("completes normally when the abort comes after the last call", async () => {
    const controller = new AbortController();
    const { run } = setup({ script: [2, 8], hooks: { checker: (call) => { if (call === 1) controller.abort(); } } }, { signal: controller.signal });
    expect((await run()).stopReason).toBe("target-reached");
  });
});
