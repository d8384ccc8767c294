import { describe, expect, it } from "vitest";
import { runLoop } from "./engine";
import { critiqueFor, detectedWith, eventLog, fakeRoles, manualClock, score, target } from "./test-support";
import type { LoopInput } from "./types";

const PROMPT = "eight things in a row";

function run(script: number[], extra: Partial<LoopInput> = {}) {
  const clock = manualClock();
  const fakes = fakeRoles({ script, clock });
  const log = eventLog();
  const result = runLoop({ target, prompt: PROMPT, seed: 11, maxIterations: 6, patience: 2, ...extra }, { roles: fakes.roles, score, now: clock.now, onEvent: log.onEvent });
  return { result, calls: fakes.calls, log };
}

describe("runLoop: steered branches", () => {
  it("sends a person's instruction to the Editor as written, without calling the Actor, then goes on as usual", async () => {
    const parent = await run([2, 3, 4]).result;
    const branch = run([5, 6, 7, 8], { resume: { iterations: parent.iterations.slice(0, 2) }, steer: { iteration: 2, instruction: "move the cup left of the laptop" } });
    const result = await branch.result;
    expect(result.iterations[2]!.instruction).toBe("move the cup left of the laptop");
    expect(result.iterations[2]!.seeds.actor).toBeUndefined();
    expect(result.iterations[2]!.durationsMs.actor).toBeUndefined();
    // Iteration 2: editor then checker, no actor; iteration 3 is the Actor's again, and its history holds the person's instruction.
    expect(branch.calls.slice(0, 2).map((call) => call.role)).toEqual(["editor", "checker"]);
    expect(branch.calls[0]!.input).toBe("move the cup left of the laptop");
    const nextAct = branch.calls.find((call) => call.role === "actor");
    expect((nextAct?.input as { history: string[] }).history).toEqual([parent.iterations[1]!.instruction, "move the cup left of the laptop"]);
    expect(result.iterations.slice(0, 2)).toEqual(parent.iterations.slice(0, 2));
  });

  it("gives the Actor the edited critique instead of the Checker's", async () => {
    const parent = await run([2, 3]).result;
    const edited = { ...critiqueFor(detectedWith(3)), summary: "the person says: the lamp is missing" };
    const branch = run([5], { maxIterations: 3, resume: { iterations: parent.iterations.slice(0, 2) }, steer: { iteration: 2, critique: edited } });
    await branch.result;
    const act = branch.calls.find((call) => call.role === "actor");
    expect((act?.input as { critique: { summary: string } }).critique.summary).toBe("the person says: the lamp is missing");
  });

  it("steers only when the loop reaches the branch's first iteration, so a resumed branch is not steered twice", async () => {
    const first = await run([2, 3, 4], { maxIterations: 4 }).result;
    const branchStart = { resume: { iterations: first.iterations.slice(0, 2) }, steer: { iteration: 2, instruction: "add a lamp" } } as const;
    const branch = await run([5, 6], { ...branchStart, maxIterations: 4 }).result;
    const resumed = run([6], { maxIterations: 4, resume: { iterations: branch.iterations.slice(0, 3) }, steer: branchStart.steer });
    const result = await resumed.result;
    expect(result.iterations[2]!.instruction).toBe("add a lamp");
    expect(resumed.calls.map((call) => call.role)).toEqual(["actor", "editor", "checker"]);
  });

  it("judges patience from the fork point: a branch of a stale run still runs", async () => {
    // Parent: best at iteration 0, then two iterations without improvement, so patience 2 already holds at the fork point.
    const parent = await run([7, 2, 2], { maxIterations: 4 }).result;
    expect(parent.stopReason).toBe("no-improvement");
    const branch = run([3, 4, 5], { maxIterations: 6, resume: { iterations: parent.iterations }, steer: { iteration: 3, instruction: "redraw" } });
    const result = await branch.result;
    // Scores from the fork point: 2 (fork), 3, 4, 5: always improving, so only the budget stops it.
    expect(result.iterations).toHaveLength(6);
    expect(result.stopReason).toBe("budget-spent");
    // The best of the whole trajectory is still the parent's iteration 0.
    expect(result.best).toBe(0);
  });

  it("counts the target as reached only on the branch's own iterations", async () => {
    const parent = await run([2, 8]).result;
    expect(parent.stopReason).toBe("target-reached");
    const branch = run([3], { resume: { iterations: parent.iterations }, steer: { iteration: 2, instruction: "try another layout" } });
    const result = await branch.result;
    // Iteration 1 (the fork point) was perfect, iterations 2 and 3 are not: patience 2 from the fork point ends it.
    expect(result.iterations).toHaveLength(4);
    expect(result.stopReason).toBe("no-improvement");
  });

  it("rejects a steer that does not continue the resumed iterations, before run-start", async () => {
    const parent = await run([2, 3]).result;
    const tooEarly = run([5], { resume: { iterations: parent.iterations.slice(0, 1) }, steer: { iteration: 2, instruction: "x" } });
    await expect(tooEarly.result).rejects.toThrow(/needs iterations 0..1/);
    const blank = run([5], { resume: { iterations: parent.iterations.slice(0, 2) }, steer: { iteration: 2, instruction: "  " } });
    await expect(blank.result).rejects.toThrow(/empty/);
    expect(tooEarly.log.events).toHaveLength(0);
  });
});
