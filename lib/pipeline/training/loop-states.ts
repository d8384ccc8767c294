import { createSimRoles } from "../backends/sim";
import { SimActor, type ActorPolicy } from "../backends/sim/actor";
import { SimEditor } from "../backends/sim/editor";
import type { EditorPolicy } from "../backends/sim/editor-policy";
import type { RasterImage } from "../image/raster";
import { runLoop } from "../loop/engine";
import { isBetterScore } from "../loop/stop-conditions";
import type { IterationRecord } from "../loop/types";
import { deriveSeed } from "../loop/seeds";
import { sceneGraphMetrics, type SceneGraphMetrics } from "../metrics/scene-graph-iou";
import type { CheckResult, Checker } from "../roles/types";
import { sceneGraphToPromptText } from "../scene-graph/prompt-text";
import type { SceneGraph } from "../scene-graph/schema";

/**
 * The loop states the Actor's and the Editor's rollout groups start from, built by real loop runs:
 * a state's last image, the Checker's reading of it, and the iterations that led there.
 */
export interface LoopState {
  target: SceneGraph;
  image: RasterImage;
  reading: CheckResult & { metrics: SceneGraphMetrics };
  history: string[];
  seed: number;
  iterations: readonly IterationRecord[];
}

type Policies = { actor: ActorPolicy; editor?: EditorPolicy };

function loopRoles(world: SimWorld, policies: Policies) {
  return { diffuser: world.diffuser, checker: world.checker, actor: new SimActor(policies.actor), editor: policies.editor ? new SimEditor(world.library, world.style, policies.editor) : world.editor };
}

export type SimWorld = ReturnType<typeof createSimRoles>;

let sharedWorld: SimWorld | undefined;
/** The embedded world the rollouts of this process share (it is stateless between calls). */
export function rolloutWorld(): SimWorld {
  sharedWorld ??= createSimRoles();
  return sharedWorld;
}

/** A loop state: the loop run for `edits` edits with the given policies, its last image and the Checker's reading of it. */
export async function stateFrom(world: SimWorld, policies: Policies, target: SceneGraph, seed: number, edits: number): Promise<LoopState> {
  const result = await runLoop(
    { target, prompt: sceneGraphToPromptText(target), seed, maxIterations: edits + 1, targetSgIoU: 1, patience: edits + 1 },
    { roles: loopRoles(world, policies), score: sceneGraphMetrics },
  );
  const last = result.iterations.at(-1)!;
  return {
    target,
    image: last.image,
    reading: { detected: last.detected, critique: last.critique, metrics: last.metrics },
    history: result.iterations.flatMap((record) => (record.instruction ? [record.instruction] : [])),
    seed,
    iterations: result.iterations,
  };
}

/**
 * The multi-step outcome of an instruction: the loop goes on from the state as a branch whose
 * first iteration applies `instruction`, then `horizon` more iterations of the loop's own (the
 * given policies), and the branch's best iteration (what the loop would keep) is the outcome.
 */
export async function branchOutcome(world: SimWorld, policies: Policies, state: LoopState, instruction: string, horizon: number): Promise<{ image: RasterImage; reading: CheckResult & { metrics: SceneGraphMetrics }; followed: boolean }> {
  const fork = state.iterations.length;
  const result = await runLoop(
    {
      target: state.target,
      prompt: sceneGraphToPromptText(state.target),
      seed: state.seed,
      maxIterations: fork + 1 + horizon,
      targetSgIoU: 1,
      patience: horizon + 1,
      resume: { iterations: state.iterations },
      steer: { iteration: fork, instruction },
    },
    { roles: loopRoles(world, policies), score: sceneGraphMetrics },
  );
  const branch = result.iterations.slice(fork);
  const best = branch.reduce((kept, record) => (isBetterScore(record.metrics, kept.metrics) ? record : kept));
  return {
    image: best.image,
    reading: { detected: best.detected, critique: best.critique, metrics: best.metrics },
    followed: !branch[0]!.warnings.some((warning) => /image unchanged|left undone/.test(warning)),
  };
}

export async function readWith(reader: Checker, image: RasterImage, target: SceneGraph, seed: number): Promise<CheckResult & { metrics: SceneGraphMetrics }> {
  const read = await reader.check(image, target, { seed: deriveSeed(seed, 0, "checker") });
  return { detected: read.detected, critique: read.critique, metrics: sceneGraphMetrics(target, read.detected) };
}
