import { detectObjects, type Detection } from "./world/detect";
import type { SpriteLibrary } from "./world/sprite-library";
import type { WorldStyle } from "./world/world";
import type { RasterImage } from "../../image/raster";
import { classifyPredicate } from "../../metrics/predicates";
import { relationHolds } from "../../metrics/spatial-geometry";
import { RoleError, throwIfAborted } from "../../roles/errors";
import { ruleJudgement } from "../../roles/rule-judgement";
import type { Judge, Judgement, RoleCallOptions, RoleResult } from "../../roles/types";
import { parsePrompt } from "../../scene-graph/parse-prompt";
import { nodeText } from "../../scene-graph/schema";
import { colourOf } from "../../scene-graph/vocabulary";

/**
 * The embedded judge: reads the prompt itself and the image's pixels itself (its own detector
 * call), so its verdict does not depend on the Checker's. Like GenEval it first asks whether
 * each prompted object is there with its colour, then whether each relation holds between
 * the boxes; the score is `ruleJudgement`'s.
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

    let relationsRight = 0;
    for (const relation of target.relations) {
      const subject = found.get(relation.subject);
      const object = found.get(relation.object);
      const holds =
        subject && object && relationHolds(classifyPredicate(relation.predicate).geometricClass, { box: subject.box, depth: subject.depth }, { box: object.box, depth: object.depth });
      if (holds) relationsRight += 1;
      else notes.push(`not ${relation.predicate}: ${labelOf(target, relation.subject)} / ${labelOf(target, relation.object)}`);
    }
    const judgement = ruleJudgement({ objects: target.objects.length, objectsRight, relations: target.relations.length, relationsRight, notes });
    return { ...judgement, warnings: [] };
  }
}

function labelOf(target: { objects: { id: string; label: string }[] }, id: string): string {
  return target.objects.find((object) => object.id === id)?.label ?? id;
}
