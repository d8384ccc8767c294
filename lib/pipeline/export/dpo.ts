import { actorPromptText } from "../backends/openai-compatible/roles";
import type { Critique } from "../roles/types";
import type { SceneGraph } from "../scene-graph/schema";

/**
 * Preference pairs from Reflection-GRPO's rollout groups (`rig train actor` writes them): for one
 * state, the candidate instruction with the highest reward is `chosen` and the one with the
 * lowest `rejected`, when they differ by at least `minGap`. Both answers are written the way the
 * VLM Actor answers ({"instruction": "..."}) to the VLM Actor's own prompt.
 */
export interface RolloutGroupLine {
  step: number;
  state: { target: SceneGraph; critique: Critique; history: string[]; sgIoU: number; image: string };
  samples: { instruction: string; reward: number; advantage: number; probability: number; kind?: string }[];
}

export interface PreferencePair {
  prompt: string;
  chosen: string;
  rejected: string;
  rewardChosen: number;
  rewardRejected: number;
  image: string;
  step: number;
}

export const DEFAULT_MIN_REWARD_GAP = 0.05;

export function preferencePair(group: RolloutGroupLine, minGap = DEFAULT_MIN_REWARD_GAP): PreferencePair | null {
  const best = new Map<string, number>();
  for (const sample of group.samples) best.set(sample.instruction, Math.max(best.get(sample.instruction) ?? -Infinity, sample.reward));
  const ranked = [...best].sort((a, b) => b[1] - a[1]);
  if (ranked.length < 2) return null;
  const [chosen, rejected] = [ranked[0]!, ranked.at(-1)!];
  if (chosen[1] - rejected[1] < minGap) return null;
  const answer = (instruction: string) => JSON.stringify({ instruction });
  return {
    prompt: actorPromptText({ target: group.state.target, critique: group.state.critique, history: group.state.history }).text,
    chosen: answer(chosen[0]),
    rejected: answer(rejected[0]),
    rewardChosen: chosen[1],
    rewardRejected: rejected[1],
    image: group.state.image,
    step: group.step,
  };
}

/** TRL's DPOTrainer, conversational with an image. */
export function dpoRow(pair: PreferencePair, imagePath: string) {
  return {
    prompt: [{ role: "user", content: [{ type: "image" }, { type: "text", text: pair.prompt }] }],
    chosen: [{ role: "assistant", content: [{ type: "text", text: pair.chosen }] }],
    rejected: [{ role: "assistant", content: [{ type: "text", text: pair.rejected }] }],
    images: [imagePath],
    reward_chosen: pair.rewardChosen,
    reward_rejected: pair.rewardRejected,
    step: pair.step,
  };
}
