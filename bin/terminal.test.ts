import { describe, expect, it } from "vitest";
import { createProgress } from "./terminal";

function terminal(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (text: string) => writes.push(text) > 0 }, writes, last: () => writes.at(-1)?.replace("\r", "").trimEnd() };
}

describe("rig run progress bar", () => {
  it("shows the role call's progress next to the iteration", () => {
    const { stream, last } = terminal(true);
    const progress = createProgress(stream, 6);
    progress.update({ type: "iteration-start", iteration: 1 });
    expect(last()).toBe("[########----------------] iteration 2/6 · editing  best SG-IoU 0.000");
    progress.update({ type: "role-progress", iteration: 1, role: "editor", done: 12, total: 30, stage: "3" });
    expect(last()).toBe("[########----------------] iteration 2/6 · editor 12/30  best SG-IoU 0.000");
    progress.update({ type: "image-end", iteration: 1, role: "editor", image: { width: 1, height: 1, data: new Uint8ClampedArray(4) }, warnings: [], durationMs: 1 });
    expect(last()).toContain("iteration 2/6 · checking");
  });

  it("writes nothing when stderr is not a terminal", () => {
    const { stream, writes } = terminal(false);
    const progress = createProgress(stream, 6);
    progress.update({ type: "role-progress", iteration: 0, role: "diffuser", done: 1, total: 2 });
    progress.done();
    expect(writes).toEqual([]);
  });
});
