import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProgressThrottle, type ProgressValue } from "./progress-throttle";

describe("ProgressThrottle", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());
  const step = (done: number, total = 20, iteration = 0, role = "diffuser"): ProgressValue => ({ iteration, role, done, total, stage: "sampling" });

  it("sends the first value at once, then at most one per interval, always the latest, and the last step at once", () => {
    const sent: number[] = [];
    const throttle = new ProgressThrottle((value) => sent.push(value.done), 250, () => Date.now());
    throttle.push(step(1));
    for (let done = 2; done <= 10; done += 1) throttle.push(step(done));
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(250);
    expect(sent).toEqual([1, 10]);
    throttle.push(step(11));
    throttle.push(step(20));
    expect(sent).toEqual([1, 10, 20]);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([1, 10, 20]);
  });

  it("sends a new call's first value at once, and drops what is pending on cancel", () => {
    const sent: string[] = [];
    const throttle = new ProgressThrottle((value) => sent.push(`${value.iteration}:${value.role}:${value.done}`), 250, () => Date.now());
    throttle.push(step(1));
    throttle.push(step(2));
    throttle.push(step(1, 20, 1, "editor"));
    throttle.push(step(2, 20, 1, "editor"));
    throttle.cancel();
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual(["0:diffuser:1", "1:editor:1"]);
  });
});
