import { deriveSeed } from "../loop/seeds";
import { sceneGraphMetrics } from "../metrics/scene-graph-iou";
import { RoleError } from "../roles/errors";
import type { Checker, Editor } from "../roles/types";
import { defaultActorTrainingConfig, rewardOf, type RewardWeights } from "../training/actor-trainer";
import type { RewardSample } from "./score-images";

/**
 * The reward of an edit instruction, for training an Actor outside rl-rig: the Editor applies the
 * instruction to the sample's image, the Checker reads the image before and after, and the reward
 * is Reflection-GRPO's own (training/actor-trainer.ts rewardOf: SG-IoU gain, plus the Entity-IoU
 * gain, minus broken triples, minus a penalty when the Editor could not follow the instruction),
 * so an external trainer optimises exactly what `rig train actor` does. `scores` is the SG-IoU
 * after the edit, in [0, 1].
 */
export interface EditSample extends RewardSample {
  instruction: string;
}

export interface EditRewardBatch {
  rewards: number[];
  scores: number[];
  extra_logs: Record<"sg_iou_before" | "sg_iou_after" | "entity_iou_after" | "followed" | "editor_ms", number[]>;
}

/** Sim Editor warnings that mean the instruction did nothing (the trainer reads them the same way). */
const UNFOLLOWED_WARNING = /image unchanged|left undone/;

export async function scoreEdits(
  roles: { checker: Checker; editor: Editor },
  samples: readonly EditSample[],
  options: { weights?: RewardWeights; signal?: AbortSignal } = {},
): Promise<EditRewardBatch> {
  const weights = options.weights ?? defaultActorTrainingConfig.reward;
  const call = (seed: number, role: "checker" | "editor") => ({ seed: deriveSeed(seed, 0, role), ...(options.signal ? { signal: options.signal } : {}) });
  const rows = [];
  // One sample after another: each is three model calls, and an Editor is usually one GPU.
  for (const sample of samples) {
    const read = async (image: typeof sample.image) => {
      const reading = await roles.checker.check(image, sample.target, call(sample.seed, "checker"));
      return { critique: reading.critique, metrics: sceneGraphMetrics(sample.target, reading.detected) };
    };
    const before = await read(sample.image);
    const started = performance.now();
    let edited = sample.image;
    let followed = true;
    try {
      const result = await roles.editor.edit(sample.image, sample.instruction, call(sample.seed, "editor"));
      edited = result.image;
      followed = !result.warnings.some((warning) => UNFOLLOWED_WARNING.test(warning));
    } catch (error) {
      if (!(error instanceof RoleError && (error.code === "unsupported_instruction" || error.code === "invalid_input"))) throw error;
      followed = false;
    }
    const editorMs = performance.now() - started;
    const after = followed ? await read(edited) : before;
    rows.push({ reward: rewardOf(before, { after, followed }, weights), before: before.metrics, after: after.metrics, followed, editorMs });
  }
  return {
    rewards: rows.map((row) => row.reward),
    scores: rows.map((row) => row.after.sgIoU),
    extra_logs: {
      sg_iou_before: rows.map((row) => row.before.sgIoU),
      sg_iou_after: rows.map((row) => row.after.sgIoU),
      entity_iou_after: rows.map((row) => row.after.entityIoU),
      followed: rows.map((row) => (row.followed ? 1 : 0)),
      editor_ms: rows.map((row) => Math.round(row.editorMs)),
    },
  };
}
