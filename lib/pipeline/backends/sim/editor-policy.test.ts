import { describe, expect, it } from "vitest";
import { choosePlacement, defaultEditorPolicy, editorFeatureNames, editorPolicyFromVector, placementFeatures } from "./editor-policy";
import { createRng } from "./random";

const box = (x: number) => ({ x, y: 0.5, width: 0.1, height: 0.2 });
const occupant = (x: number, depth: number) => ({ box: box(x), depth });

describe("the Editor's placement policy", () => {
  it("measures shifts in image widths and counts the relations to bystanders a move flips", () => {
    const bystanders = [occupant(0.5, 0.5)];
    const stays = placementFeatures({ width: 800, subjectShift: 80, anchorShift: 0, anchorMoved: false, moves: [{ before: occupant(0.1, 0.3), after: occupant(0.2, 0.3) }], bystanders, occlusion: 0 });
    // Left of and in front of the bystander before and after: nothing flips.
    expect(stays).toEqual([0.1, 0, 0, 0, 0]);
    const crosses = placementFeatures({ width: 800, subjectShift: 400, anchorShift: 0, anchorMoved: false, moves: [{ before: occupant(0.1, 0.3), after: occupant(0.8, 0.7) }], bystanders, occlusion: 0.2 });
    // Now right of and behind it: both of its two relations flip.
    expect(crosses).toEqual([0.5, 0, 0, 1, 0.2]);
    // A new object has no relations to flip.
    expect(placementFeatures({ width: 800, subjectShift: 0, anchorShift: 0, anchorMoved: false, moves: [{ after: occupant(0.8, 0.7) }], bystanders, occlusion: 0 })[3]).toBe(0);
  });

  it("chooses by its weights: the same spots go to a different choice when the parameters change", () => {
    const near = [0.05, 0, 0, 0.5, 0];
    const far = [0.4, 0, 0, 0, 0];
    const greedy = (weights: number[]) => choosePlacement({ ...defaultEditorPolicy, weights, greedy: true }, [near, far], createRng(1));
    expect(greedy(defaultEditorPolicy.weights)).toBe(0);
    expect(greedy([-1, 0, 0, -10, 0])).toBe(1);
  });

  it("samples in proportion to exp(weights . features)", () => {
    const policy = editorPolicyFromVector([-Math.log(3) / 0.1, 0, 0, 0, 0]);
    const spots = [[0, 0, 0, 0, 0], [0.1, 0, 0, 0, 0]];
    const rng = createRng(7);
    let first = 0;
    for (let draw = 0; draw < 4000; draw++) if (choosePlacement(policy, spots, rng) === 0) first += 1;
    // p(first) = 3 / (3 + 1).
    expect(first / 4000).toBeCloseTo(0.75, 1);
    expect(() => editorPolicyFromVector([1, 2])).toThrow(new RegExp(`${editorFeatureNames.length} parameters`));
  });
});
