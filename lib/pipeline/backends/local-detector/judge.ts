import type { RasterImage } from "../../image/raster";
import { RoleError } from "../../roles/errors";
import { ruleJudgement } from "../../roles/rule-judgement";
import type { Judge, Judgement, RoleCallOptions, RoleResult } from "../../roles/types";
import { parsePrompt } from "../../scene-graph/parse-prompt";
import { nodeText, type SceneGraph } from "../../scene-graph/schema";
import { detectFor } from "./checker";
import { loadDetector, type LoadedDetector } from "./model";
import type { LocalDetectorOptions } from "./options";
import { sceneFromDetections } from "./scene-from-boxes";

/**
 * The local detector as Judge, the way GenEval scores an image: it reads the prompt itself, runs
 * its own detection on the pixels, and scores objects found and relations that hold with the
 * same rule as the embedded world's Judge (`ruleJudgement`). With the local detector as Checker
 * too, the two agree by construction: choose a VLM Judge for a second opinion. The Checker's
 * warnings (COCO-80 only, attributes unchecked, depth proxy) come with the judgement.
 */
export class LocalDetectorJudge implements Judge {
  readonly name = "local-detector";

  constructor(
    private readonly options: LocalDetectorOptions,
    /** Injectable for tests; default the process-wide shared model. */
    private readonly load: () => Promise<LoadedDetector> = () => loadDetector(options.modelDir),
  ) {}

  async judge(image: RasterImage, prompt: string, options: RoleCallOptions): Promise<RoleResult & Judgement> {
    let target: SceneGraph;
    try {
      target = parsePrompt(prompt);
    } catch (error) {
      throw new RoleError("judge", "invalid_input", `cannot read the prompt: ${(error as Error).message}`);
    }
    const seen = sceneFromDetections(target, await detectFor("judge", image, this.options, this.load, options.signal));
    const { critique } = seen;
    const textOf = (id: string) => {
      const object = target.objects.find((candidate) => candidate.id === id);
      return object ? nodeText(object) : id;
    };
    const labelOf = (id: string) => target.objects.find((candidate) => candidate.id === id)?.label ?? id;
    const notes = [
      ...critique.missingObjects.map((id) => `no ${textOf(id)}`),
      ...critique.triples.filter((triple) => triple.status !== "satisfied").map((triple) => `not ${triple.predicate}: ${labelOf(triple.subject)} / ${labelOf(triple.object)}`),
    ];
    const judgement = ruleJudgement({
      objects: target.objects.length,
      objectsRight: target.objects.length - critique.missingObjects.length,
      relations: critique.triples.length,
      relationsRight: critique.triples.filter((triple) => triple.status === "satisfied").length,
      notes,
    });
    return { ...judgement, warnings: seen.warnings };
  }
}
