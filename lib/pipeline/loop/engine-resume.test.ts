import { describe, expect, it } from "vitest";
import { runLoop } from "./engine";
import { eventLog, fakeRoles, manualClock, score, target } from "./test-support";

const PROMPT = "eight things in a row";
const SCRIPT = [2, 3, 5, 6, 7];

function run(script: number[], resume?: Parameters<typeof runLoop>[0]["resume"]) {
  const clock = manualClock();
  const fakes = fakeRoles({ script, clock, judge: true });
  const log = eventLog();
  const result = runLoop(
    { target, prompt: PROMPT, seed: 11, maxIterations: 5, patience: 5, ...(resume ? { resume } : {}) },
    { roles: fakes.roles, score, now: clock.now, onEvent: log.onEvent },
  );
  return { result, calls: fakes.calls, log };
}

describe("runLoop: resume", () => {
  it("continues from stored iterations exactly as the uninterrupted run did", async () => {
    const full = run(SCRIPT);
    const whole = await full.result;
    expect(whole.iterations).toHaveLength(5);

    const resumed = run(SCRIPT.slice(2), { iterations: whole.iterations.slice(0, 2) });
    const rest = await resumed.result;
    expect(rest.iterations.map((record) => record.instruction)).toEqual(whole.iterations.map((record) => record.instruction));
    expect(rest.iterations.map((record) => record.seeds)).toEqual(whole.iterations.map((record) => record.seeds));
    expect(rest.best).toBe(whole.best);
    expect(rest.judgement?.score).toBe(whole.judgement?.score);
    // The Actor's history at iteration 2 carries the instruction of the stored iteration 1.
    const firstAct = resumed.calls.find((call) => call.role === "actor");
    expect((firstAct?.input as { history: string[] }).history).toEqual([whole.iterations[1]!.instruction]);
    // Stored iterations are not announced again; the first new one is iteration 2.
    expect(resumed.log.summary().filter((line) => line.startsWith("iteration-end"))).toEqual(["iteration-end:2", "iteration-end:3", "iteration-end:4"]);
    expect(resumed.calls.some((call) => call.role === "diffuser")).toBe(false);
  });

  it("ends at once when the stored iterations already meet a stop condition", async () => {
    const whole = await run(SCRIPT).result;
    const resumed = run(SCRIPT, { iterations: whole.iterations });
    const result = await resumed.result;
    expect(result.stopReason).toBe("budget-spent");
    expect(result.iterations).toHaveLength(5);
    expect(resumed.calls.map((call) => call.role)).toEqual(["judge"]);
  });

  it("rejects stored iterations that are not 0..n-1 before run-start", async () => {
    const whole = await run(SCRIPT).result;
    const resumed = run(SCRIPT, { iterations: [whole.iterations[1]!] });
    await expect(resumed.result).rejects.toThrow(/0\.\.n-1/);
    expect(resumed.log.events).toHaveLength(0);
  });
});
