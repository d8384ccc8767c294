import type { RasterImage } from "../image/raster";
import { sceneGraphMetrics } from "../metrics/scene-graph-iou";
import type { Checker } from "../roles/types";
import type { SceneGraph } from "../scene-graph/schema";

/**
 * The reward rl-rig gives an RL engine for one image: how well a Checker's reading of it matches
 * the target scene graph, by LAION-SG's set IoU (SG-IoU of triples as the reward; entity and
 * relation IoU as extra logs). The answer follows OpenRLHF's remote reward contract: `rewards`
 * for the advantage, `scores` in [0, 1] for dynamic filtering, `extra_logs` with one value per
 * sample for each key.
 */
export interface RewardSample {
  target: SceneGraph;
  image: RasterImage;
  /** The Checker's seed; the same seed reads the same image the same way. */
  seed: number;
}

export interface RewardBatch {
  rewards: number[];
  scores: number[];
  extra_logs: {
    entity_iou: number[];
    relation_iou: number[];
    objects_found: number[];
    checker_ms: number[];
  };
}

export async function scoreImages(checker: Checker, samples: readonly RewardSample[], options: { signal?: AbortSignal; concurrency?: number } = {}): Promise<RewardBatch> {
  const results = new Array<{ sgIoU: number; entityIoU: number; relationIoU: number; found: number; ms: number }>(samples.length);
  let next = 0;
  // A few Checker calls at once: a remote VLM serves them in parallel, the embedded one in turn.
  const lane = async () => {
    for (let index = next++; index < samples.length; index = next++) {
      const sample = samples[index]!;
      const started = performance.now();
      const reading = await checker.check(sample.image, sample.target, { seed: sample.seed, ...(options.signal ? { signal: options.signal } : {}) });
      const metrics = sceneGraphMetrics(sample.target, reading.detected);
      results[index] = { ...metrics, found: reading.detected.objects.length, ms: performance.now() - started };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, samples.length)) }, lane));
  return {
    rewards: results.map((result) => result.sgIoU),
    scores: results.map((result) => result.sgIoU),
    extra_logs: {
      entity_iou: results.map((result) => result.entityIoU),
      relation_iou: results.map((result) => result.relationIoU),
      objects_found: results.map((result) => result.found),
      checker_ms: results.map((result) => Math.round(result.ms)),
    },
  };
}
