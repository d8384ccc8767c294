import type { RasterImage } from "../image/raster";
import { seedWarning, type RoleCapabilities } from "../loop/capabilities";
import { deriveSeed } from "../loop/seeds";
import type { Judge } from "../roles/types";

export interface KeptJudgements {
  oneShot: number | null;
  loop: number | null;
  ms: number;
  /** "judge: ..." lines: the Judge's own warnings, a seed note, or why it could not judge. */
  warnings: string[];
}

/**
 * The Judge on an item's two kept images, iteration 0 and the best (once when they are the same),
 * with seeds `deriveSeed(run seed, iteration, "judge")`. A Judge that cannot judge an image leaves
 * null and a warning: the item still counts. Shared by `rig eval` and the web worker.
 */
export async function judgeKeptImages(
  judge: Judge | undefined,
  prompt: string,
  seed: number,
  images: { oneShot: () => Promise<RasterImage>; best: () => Promise<RasterImage>; bestIndex: number },
  options: { capabilities?: RoleCapabilities; signal?: AbortSignal } = {},
): Promise<KeptJudgements> {
  const result: KeptJudgements = { oneShot: null, loop: null, ms: 0, warnings: [] };
  if (!judge) return result;
  const seedNote = seedWarning("judge", judge.name, options.capabilities);
  const judgeImage = async (image: () => Promise<RasterImage>, iteration: number): Promise<number | null> => {
    const started = performance.now();
    try {
      const judged = await judge.judge(await image(), prompt, { seed: deriveSeed(seed, iteration, "judge"), ...(options.signal ? { signal: options.signal } : {}) });
      result.warnings.push(...[...judged.warnings, ...(seedNote ? [seedNote] : [])].map((warning) => `judge: ${warning}`));
      return judged.score;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      result.warnings.push(`judge: could not judge iteration ${iteration}: ${(error as Error).message}`);
      return null;
    } finally {
      result.ms += performance.now() - started;
    }
  };
  result.oneShot = await judgeImage(images.oneShot, 0);
  result.loop = images.bestIndex === 0 ? result.oneShot : await judgeImage(images.best, images.bestIndex);
  return result;
}
