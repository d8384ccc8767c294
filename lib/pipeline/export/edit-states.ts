import { actorPromptText } from "../backends/openai-compatible/roles";
import type { SceneGraphMetrics } from "../metrics/scene-graph-iou";
import type { Critique } from "../roles/types";
import type { SceneGraph } from "../scene-graph/schema";

/**
 * Training data for an Actor from stored trajectories: every state of a run that the loop acted
 * on (iteration k, whose image, critique and earlier instructions the Actor saw) with the
 * instruction it wrote and what that did (iteration k + 1's SG-IoU). The prompt is the VLM Actor's
 * own (prompts/actor.v1.md), so a policy trained on it fits back into rl-rig as its Actor.
 */
export interface TrajectoryIteration {
  index: number;
  /** The instruction that produced this iteration's image (null for the first, generated one). */
  instruction: string | null;
  critique: Critique;
  metrics: SceneGraphMetrics;
  /** PNG bytes, or null when only the id is known (server exports). */
  png: Uint8Array | null;
  imageId?: string;
}

export interface Trajectory {
  id: string;
  prompt: string;
  target: SceneGraph;
  iterations: TrajectoryIteration[];
}

export interface EditState {
  runId: string;
  iteration: number;
  /** The Actor's prompt text (its image goes with it). */
  actorPrompt: string;
  promptVersion: string;
  /** What the loop's Actor answered, as the Actor answers: {"instruction": "..."}. */
  response: string;
  instruction: string;
  target: SceneGraph;
  caption: string;
  png: Uint8Array | null;
  imageId?: string;
  sgIoUBefore: number;
  sgIoUAfter: number;
}

export function editStates(trajectory: Trajectory): EditState[] {
  const ordered = [...trajectory.iterations].sort((a, b) => a.index - b.index);
  const states: EditState[] = [];
  for (let position = 0; position + 1 < ordered.length; position++) {
    const state = ordered[position]!;
    const next = ordered[position + 1]!;
    if (!next.instruction) continue;
    const history = ordered.slice(1, position + 1).flatMap((earlier) => (earlier.instruction ? [earlier.instruction] : []));
    const prompt = actorPromptText({ target: trajectory.target, critique: state.critique, history });
    states.push({
      runId: trajectory.id,
      iteration: state.index,
      actorPrompt: prompt.text,
      promptVersion: prompt.version,
      response: JSON.stringify({ instruction: next.instruction }),
      instruction: next.instruction,
      target: trajectory.target,
      caption: trajectory.prompt,
      png: state.png,
      ...(state.imageId ? { imageId: state.imageId } : {}),
      sgIoUBefore: state.metrics.sgIoU,
      sgIoUAfter: next.metrics.sgIoU,
    });
  }
  return states;
}
