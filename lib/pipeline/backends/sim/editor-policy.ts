import type { Occupant } from "./editor-painter";
import type { Rng } from "./random";

/**
 * The embedded Editor's placement policy: a linear softmax over the valid spots it found for an
 * object (and, when the anchor has to make room, for the anchor too),
 *   p(spot) ∝ exp(weights . features(spot)).
 * Every feature is something the Editor sees in the image it edits (the detections) and the plan
 * it weighs; none reads the target graph, which the Editor never gets. Reflection-GRPO trains the
 * weights (lib/pipeline/training/editor-trainer.ts).
 */
export const editorFeatureNames = ["subject-shift", "anchor-shift", "anchor-moved", "relations-changed", "occlusion"] as const;

export interface EditorPolicy {
  /** How many valid spots to gather before choosing. */
  candidates: number;
  /** One per editorFeatureNames entry. */
  weights: number[];
  /** Take the most likely spot instead of sampling one. */
  greedy: boolean;
}

/**
 * The hand-tuned policy: prefer small moves, p ∝ exp(-(subject shift + anchor shift) / (0.03 x
 * image width)), so the relations the instruction did not mention mostly survive.
 */
export const defaultEditorPolicy: EditorPolicy = { candidates: 12, weights: [-1 / 0.03, -1 / 0.03, 0, 0, 0], greedy: false };

export function editorPolicyFromVector(vector: readonly number[], base: EditorPolicy = defaultEditorPolicy): EditorPolicy {
  if (vector.length !== editorFeatureNames.length) throw new RangeError(`an Editor policy has ${editorFeatureNames.length} parameters (${editorFeatureNames.join(", ")}), not ${vector.length}`);
  return { ...base, weights: [...vector] };
}

/** What one candidate plan changes, as the Editor can tell from the detections. */
export interface PlanGeometry {
  /** Image width in pixels (shifts are measured in widths). */
  width: number;
  subjectShift: number;
  anchorShift: number;
  anchorMoved: boolean;
  /** The objects that move: where they were (absent for a new object) and where they go. */
  moves: { before?: Occupant; after: Occupant }[];
  /** Every other object in the picture. */
  bystanders: readonly Occupant[];
  /** The largest share of a bystander's box the plan hides. */
  occlusion: number;
}

/** Left-right order closer than this share of the width counts as neither. */
const SIDE_DEAD_ZONE = 0.02;

export function placementFeatures(plan: PlanGeometry): number[] {
  return [plan.subjectShift / plan.width, plan.anchorShift / plan.width, plan.anchorMoved ? 1 : 0, relationsChanged(plan.moves, plan.bystanders), plan.occlusion];
}

/**
 * Share of the moved objects' pairwise relations to the bystanders (left/right, nearer/farther)
 * that the plan flips: the triples the instruction did not name but the edit may break.
 */
function relationsChanged(moves: PlanGeometry["moves"], bystanders: readonly Occupant[]): number {
  let compared = 0;
  let changed = 0;
  for (const { before, after } of moves) {
    if (!before) continue;
    for (const other of bystanders) {
      compared += 2;
      if (side(before, other) !== side(after, other)) changed += 1;
      if (Math.sign(before.depth - other.depth) !== Math.sign(after.depth - other.depth)) changed += 1;
    }
  }
  return compared ? changed / compared : 0;
}

function side(object: Occupant, other: Occupant): number {
  const difference = object.box.x + object.box.width / 2 - (other.box.x + other.box.width / 2);
  return Math.abs(difference) < SIDE_DEAD_ZONE ? 0 : Math.sign(difference);
}

/** Which of the candidates (feature vectors) the policy takes: sampled, or the likeliest when greedy. */
export function choosePlacement(policy: EditorPolicy, candidates: readonly (readonly number[])[], rng: Rng): number {
  const logits = candidates.map((features) => features.reduce((sum, value, index) => sum + value * policy.weights[index]!, 0));
  const best = Math.max(...logits);
  if (policy.greedy) return logits.indexOf(best);
  const weights = logits.map((logit) => Math.exp(logit - best));
  let draw = rng.next() * weights.reduce((sum, weight) => sum + weight, 0);
  for (const [index, weight] of weights.entries()) {
    draw -= weight;
    if (draw <= 0) return index;
  }
  return candidates.length - 1;
}
