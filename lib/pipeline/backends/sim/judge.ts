import { detectObjects, type Detection } from "./world/detect";
import type { SpriteLibrary } from "./world/sprite-library";
import type { WorldStyle } from "./world/world";
import type { RasterImage } from "../../image/raster";
import { classifyPredicate } from "../../metrics/predicates";
import { relationHolds } from "../../metrics/spatial-geometry";
import { RoleError, throwIfAborted } from "../../roles/errors";
import type { Judge, Judgement, RoleCallOptions, RoleResult } from "../../roles/types";
import { parsePrompt } from "../../scene-graph/parse-prompt";
import { nodeText } from "../../scene-graph/schema";
import { colourOf } from "../../scene-graph/vocabulary";

/**
 * The embedded judge: reads the prompt itself and the image's pixels itself (its own detector
 * call), so its verdict does not depend on the Checker's. Like GenEval it first asks whether
 * each prompted object is there with its colour, then whether each relation holds between
 * the boxes.
 *
 * score = 1 + 9 * (0.3 * objects found with the right colour + 0.7 * relations that hold),
 * or 1 + 9 * objects when the prompt has no relation.
 */
export class SimJudge implements Judge {
  readonly name = "sim";

  constructor(
    private readonly library: SpriteLibrary,
    private readonly style: WorldStyle,
  ) {}

  async judge(image: RasterImage, prompt: string, options: RoleCallOptions): Promise<RoleResult & Judgement> {
    throwIfAborted("judge", options.signal);
    let target;
    try {
      target = parsePrompt(prompt);
    } catch (error) {
      throw new RoleError("judge", "invalid_input", `cannot read the prompt: ${(error as Error).message}`);
    }
    const labels = [...new Set(target.objects.map((object) => object.label))];
    await this.library.load(labels);
    const detections = detectObjects(image, labels, this.library, this.style);

    // Greedy one-to-one: each prompted object takes the best-scoring unused detection of its label.
    const used = new Set<Detection>();
    const found = new Map<string, Detection>();
    const notes: string[] = [];
    for (const object of target.objects) {
      const match = detections
        .filter((detection) => detection.label === object.label && !used.has(detection))
        .sort((a, b) => b.score - a.score)[0];
      if (!match) {
        notes.push(`no ${nodeText(object)}`);
        continue;
      }
      used.add(match);
      found.set(object.id, match);
      const colour = colourOf(object.attributes);
      if (colour && match.colour !== colour) notes.push(`the ${object.label} is ${match.colour}, not ${colour}`);
    }
    const objectsRight = target.objects.filter((object) => {
      const match = found.get(object.id);
      const colour = colourOf(object.attributes);
      return match && (!colour || match.colour === colour);
    }).length;
    const objectScore = target.objects.length > 0 ? objectsRight / target.objects.length : 0;

    let relationsRight = 0;
    for (const relation of target.relations) {
      const subject = found.get(relation.subject);
      const object = found.get(relation.object);
      const holds =
        subject && object && relationHolds(classifyPredicate(relation.predicate).geometricClass, { box: subject.box, depth: subject.depth }, { box: object.box, depth: object.depth });
      if (holds) relationsRight += 1;
      else notes.push(`not ${relation.predicate}: ${labelOf(target, relation.subject)} / ${labelOf(target, relation.object)}`);
    }
    const relationScore = target.relations.length > 0 ? relationsRight / target.relations.length : undefined;
    const fraction = relationScore === undefined ? objectScore : 0.3 * objectScore + 0.7 * relationScore;
    const score = Math.round((1 + 9 * fraction) * 10) / 10;
    const rationale =
      `${objectsRight}/${target.objects.length} objects as asked` +
      (relationScore === undefined ? "" : `, ${relationsRight}/${target.relations.length} relations hold`) +
      (notes.length > 0 ? `; ${notes.join("; ")}` : "") +
      ".";
    return { score, rationale, warnings: [] };
  }
}

function labelOf(target: { objects: { id: string; label: string }[] }, id: string): string {
  return target.objects.find((object) => object.id === id)?.label ?? id;
}
