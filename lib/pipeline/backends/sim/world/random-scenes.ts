import { colourNames, type ColourName } from "../../../scene-graph/vocabulary";
import { createRng } from "../random";
import { objectRect, renderScene, type PlacedObject, type RenderResult, type SceneLayout } from "./render";
import type { SpriteLibrary } from "./sprite-library";
import { depthOfGroundY, horizonY, perspectiveHeight, type WorldStyle } from "./world";

/**
 * Seeded random scenes for the detector's test and benchmark: 2-8 objects drawn from a pool
 * with deliberate look-alike groups, ~40% recoloured, some stacked on another object, some
 * floating (shadow below the base), every object at least `minVisible` visible.
 *
 * Exports: lookAlikePool, randomScene.
 */

/** Labels for random scenes; rows are look-alike groups. */
export const lookAlikePool: readonly string[] = [
  "dog", "wolf", "fox", "poodle",
  "cat", "tiger", "leopard",
  "cup", "teacup", "mug",
  "car", "taxi", "police car", "suv",
  "apple", "tomato", "peach", "green apple",
  "cow", "ox", "water buffalo",
  "person", "man", "woman",
  "chair", "bench", "couch",
  "bird", "chicken",
  "bottle", "wine glass",
  "laptop", "television",
  "tree", "potted plant",
  "balloon", "key", "frog", "giraffe", "bee", "mouse", "rabbit", "horse", "elephant",
];

export interface RandomScene {
  layout: SceneLayout;
  render: RenderResult;
  /** Candidate labels handed to the detector: the scene's labels plus look-alike distractors. */
  candidates: string[];
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A random scene satisfying the visibility constraint (retries placement up to 200 times). */
export async function randomScene(seed: number, library: SpriteLibrary, style: WorldStyle, minVisible = 0.55): Promise<RandomScene> {
  const random = createRng(seed).next;
  const count = 2 + Math.floor(random() * 7);
  const labels = Array.from({ length: count }, () => pick(random, lookAlikePool));
  const distractors = Array.from({ length: 3 }, () => pick(random, lookAlikePool));
  const candidates = [...new Set([...labels, ...distractors])];
  await library.load(candidates);
  const horizon = horizonY(style);
  for (let attempt = 0; attempt < 200; attempt++) {
    const objects: PlacedObject[] = [];
    for (const label of labels) {
      const colour: ColourName | undefined = random() < 0.4 ? pick(random, colourNames) : undefined;
      const sizeFactor = pick(random, [0.75, 1, 1, 1, 1.3]);
      const mode = random();
      const support = objects.find((object) => object.groundY === object.baseY && object.height > 90);
      if (mode < 0.12 && support) {
        const supportRect = objectRect(support, library);
        const height = Math.max(30, supportRect.height * (0.35 + random() * 0.25));
        objects.push({
          label,
          colour,
          centreX: support.centreX + (random() - 0.5) * supportRect.width * 0.3,
          baseY: supportRect.top + Math.round(supportRect.height * 0.08),
          height,
          depth: support.depth,
          groundY: support.groundY,
        });
        continue;
      }
      const groundY = horizon + 25 + random() * (style.height - horizon - 25);
      const height = perspectiveHeight(groundY, sizeFactor, style);
      const floating = mode > 0.92;
      const baseY = floating ? groundY - 30 - random() * 60 : groundY;
      const width = height * library.aspect(label);
      const centreX = width / 2 + random() * Math.max(1, style.width - width);
      objects.push({ label, colour, centreX, baseY, height, depth: depthOfGroundY(groundY, style), groundY });
    }
    const layout: SceneLayout = { style, objects };
    const inFrame = objects.every((object) => {
      const rect = objectRect(object, library);
      return rect.left >= 0 && rect.top >= 0 && rect.left + rect.width <= style.width && rect.top + rect.height <= style.height;
    });
    if (!inFrame) continue;
    const render = await renderScene(layout, library);
    if (render.truth.every((truth) => truth.visibleFraction >= minVisible)) return { layout, render, candidates };
  }
  throw new Error(`could not place a scene for seed ${seed}`);
}
