import { describe, expect, it } from "vitest";
import { formatDelta, formatIoU, formatMs, orderedDurations, withoutSceneContext } from "./format";

describe("format", () => {
  it("formats numbers for display", () => {
    expect(formatIoU(0.3333)).toBe("0.33");
    expect(formatIoU(null)).toBe("—");
    expect(formatDelta(0.25)).toBe("+0.25");
    expect(formatDelta(-0.5)).toBe("−0.50");
    expect(formatDelta(0.001)).toBe("±0.00");
    expect(formatMs(0.4)).toBe("<1 ms");
    expect(formatMs(181.2)).toBe("181 ms");
    expect(formatMs(1234)).toBe("1.23 s");
  });
  it("orders role durations in pipeline order", () => {
    expect(orderedDurations({ checker: 1, editor: 2, actor: 3, other: 4 }).map(([role]) => role)).toEqual(["actor", "editor", "checker", "other"]);
  });
});

describe("withoutSceneContext", () => {
  it("drops the sim Actor's scene preamble and leaves other instructions alone", () => {
    expect(withoutSceneContext("In a picture of a cup and a laptop: move the cup left of the laptop")).toBe("move the cup left of the laptop");
    expect(withoutSceneContext("make the cat white")).toBe("make the cat white");
  });
});
