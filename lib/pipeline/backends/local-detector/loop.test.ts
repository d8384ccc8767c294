/**
 * One loop run with the sim Diffuser, Actor and Editor (the embedded world draws Fluent Emoji 3D
 * sprites) and the real local detector Checker reading its pixels. A COCO detector trained on
 * photographs recognises some emoji sprites (a car) and misses others (a small person); this checks the run works end to
 * end with honest critiques, not that it reaches the target.
 */
import { describe, expect, it } from "vitest";
import { runLoop } from "../../loop/engine";
import { sceneGraphMetrics } from "../../metrics/scene-graph-iou";
import { critiqueSchema } from "../../roles/types";
import { parseSceneGraphInput } from "../../scene-graph/parse-input";
import { createSimRoles } from "../sim";
import { createLocalDetectorChecker } from "./index";

describe("runLoop with the local detector Checker", () => {
  it("completes with a critique per iteration", async () => {
    const sim = createSimRoles();
    const checker = createLocalDetectorChecker({ minScore: 0.3 });
    const target = parseSceneGraphInput("a person left of a car");
    const carId = target.objects.find((object) => object.label === "car")!.id;
    const result = await runLoop(
      { target, prompt: "a person left of a car", seed: 3, maxIterations: 3, patience: 5 },
      { roles: { diffuser: sim.diffuser, checker, actor: sim.actor, editor: sim.editor }, score: sceneGraphMetrics },
    );
    expect(result.iterations.length).toBeGreaterThanOrEqual(1);
    for (const iteration of result.iterations) {
      expect(() => critiqueSchema.parse(iteration.critique)).not.toThrow();
      expect(iteration.critique.triples).toHaveLength(1);
      expect(iteration.detected.objects.every((object) => ["person", "car"].includes(object.label))).toBe(true);
    }
    // The emoji car is a car to COCO-SSD (score ~0.9 on this seed's first image); the small emoji person mostly is not.
    expect(result.iterations.some((iteration) => iteration.critique.matches[carId] !== undefined)).toBe(true);
  });
});
