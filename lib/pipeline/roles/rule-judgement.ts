import type { Judgement } from "./types";

/**
 * The GenEval-style verdict both detector-based Judges give (the embedded world's and the local
 * COCO detector's): first whether each prompted object is there as asked, then whether each
 * relation holds between the boxes.
 *
 * score = 1 + 9 * (0.3 * objects as asked + 0.7 * relations that hold), or 1 + 9 * objects as
 * asked when the prompt has no relation; one decimal.
 */
export interface RuleCounts {
  objects: number;
  objectsRight: number;
  relations: number;
  relationsRight: number;
  /** What was wrong, in the order found ("no dog", "not left of: cup / laptop"). */
  notes: readonly string[];
}

export function ruleJudgement({ objects, objectsRight, relations, relationsRight, notes }: RuleCounts): Judgement {
  const objectScore = objects > 0 ? objectsRight / objects : 0;
  const relationScore = relations > 0 ? relationsRight / relations : undefined;
  const fraction = relationScore === undefined ? objectScore : 0.3 * objectScore + 0.7 * relationScore;
  const score = Math.round((1 + 9 * fraction) * 10) / 10;
  const rationale =
    `${objectsRight}/${objects} objects as asked` +
    (relationScore === undefined ? "" : `, ${relationsRight}/${relations} relations hold`) +
    (notes.length > 0 ? `; ${notes.join("; ")}` : "") +
    ".";
  return { score, rationale };
}
