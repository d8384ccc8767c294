import type { EditState } from "./edit-states";

/**
 * Rows for the RL engines, one per edit state. Every row carries the reward service's label (the
 * target and the state's image, by id when the server has it, else inline base64), so the
 * engine's reward call (POST /api/reward?mode=edit) can replay the policy's instruction on it.
 */
/** Formats made from trajectories; "dpo" is made from the trainer's rollout groups (export/dpo.ts). */
export const trajectoryFormats = ["openrlhf", "trl", "verl"] as const;
export type TrajectoryFormat = (typeof trajectoryFormats)[number];
export const exportFormats = [...trajectoryFormats, "dpo"] as const;

export const DATA_SOURCE = "rl-rig/edit";

export function rewardLabel(state: EditState): string {
  const image = state.imageId ? { imageId: state.imageId } : { image: Buffer.from(state.png ?? new Uint8Array()).toString("base64") };
  return JSON.stringify({ target: state.target, ...image });
}

const meta = (state: EditState) => ({ run_id: state.runId, iteration: state.iteration, prompt_version: state.promptVersion, sg_iou_before: state.sgIoUBefore, sg_iou_after: state.sgIoUAfter });

/** OpenRLHF: --input_key input --label_key label (--image_key images for its VLM data); the response the loop gave is kept as `response`. */
export function openRlhfRow(state: EditState, imagePath: string) {
  return { input: state.actorPrompt, images: [imagePath], label: rewardLabel(state), response: state.response, ...meta(state) };
}

/** TRL (GRPOTrainer, conversational, with an image column); extra columns reach reward functions as keyword arguments. */
export function trlRow(state: EditState, imagePath: string) {
  return {
    prompt: [{ role: "user", content: [{ type: "image" }, { type: "text", text: state.actorPrompt }] }],
    images: [imagePath],
    label: rewardLabel(state),
    ...meta(state),
  };
}

/** verl's RL data set row; `<image>` marks where the image goes in the prompt. */
export function verlRow(state: EditState, index: number, split: string) {
  return {
    data_source: DATA_SOURCE,
    prompt: [{ role: "user", content: `<image>${state.actorPrompt}` }],
    images: [{ bytes: state.png ?? new Uint8Array(), path: `${state.runId}-${state.iteration}.png` }],
    ability: "spatial-edit",
    reward_model: { style: "rule", ground_truth: rewardLabel(state) },
    extra_info: { split, index, run_id: state.runId, iteration: state.iteration, sg_iou_before: state.sgIoUBefore, sg_iou_after: state.sgIoUAfter },
  };
}
export type VerlRow = ReturnType<typeof verlRow>;
