import { createSimRoles } from "../backends/sim";
import { SimActor, type ActorPolicy } from "../backends/sim/actor";
import { SimEditor } from "../backends/sim/editor";
import type { EditorPolicy } from "../backends/sim/editor-policy";
import type { RasterImage } from "../image/raster";
import { runLoop } from "../loop/engine";
import { deriveSeed } from "../loop/seeds";
import { sceneGraphMetrics, type SceneGraphMetrics } from "../metrics/scene-graph-iou";
import type { CheckResult, Checker } from "../roles/types";
import { sceneGraphToPromptText } from "../scene-graph/prompt-text";
import type { SceneGraph } from "../scene-graph/schema";

/** The loop states the Actor's and the Editor's rollout groups start from, built by real loop runs. */
/** A state of the loop a rollout group starts from, and the Checker's reading of it. */
export interface LoopState {
  target: SceneGraph;
  image: RasterImage;
  reading: CheckResult & { metrics: SceneGraphMetrics };
  history: string[];
  seed: number;
}

export type SimWorld = ReturnType<typeof createSimRoles>;

let sharedWorld: SimWorld | undefined;
/** The embedded world the rollouts of this process share (it is stateless between calls). */
export function rolloutWorld(): SimWorld {
  sharedWorld ??= createSimRoles();
  return sharedWorld;
}

/** A loop state: the loop run for `edits` edits with the given policies, its last image and the Checker's reading of it. */
export async function stateFrom(world: SimWorld, policies: { actor: ActorPolicy; editor?: EditorPolicy }, target: SceneGraph, seed: number, edits: number): Promise<LoopState> {
  const roles = { diffuser: world.diffuser, checker: world.checker, actor: new SimActor(policies.actor), editor: policies.editor ? new SimEditor(world.library, world.style, policies.editor) : world.editor };
  const result = await runLoop(
    { target, prompt: sceneGraphToPromptText(target), seed, maxIterations: edits + 1, targetSgIoU: 1, patience: edits + 1 },
    { roles, score: sceneGraphMetrics },
  );
  const last = result.iterations.at(-1)!;
  return {
    target,
    image: last.image,
    reading: { detected: last.detected, critique: last.critique, metrics: last.metrics },
    history: result.iterations.flatMap((record) => (record.instruction ? [record.instruction] : [])),
    seed,
  };
}

export async function readWith(reader: Checker, image: RasterImage, target: SceneGraph, seed: number): Promise<CheckResult & { metrics: SceneGraphMetrics }> {
  const read = await reader.check(image, target, { seed: deriveSeed(seed, 0, "checker") });
  return { detected: read.detected, critique: read.critique, metrics: sceneGraphMetrics(target, read.detected) };
}
