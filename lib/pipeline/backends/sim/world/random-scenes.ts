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
 * Partial vocabulary (what the sim Editor does): `partialCandidates` picks 1-3 of a scene's labels
 * and sometimes one look-alike of them that is not in the scene; the other objects are then
 * foreground the detector has no label for.
 *
 * Exports: lookAlikeGroups, lookAlikePool, randomScene, partialCandidates.
 */

/** Look-alike groups of labels for random scenes (single labels are groups of one). */
export const lookAlikeGroups: readonly (readonly string[])[] = [
  ["dog", "wolf", "fox", "poodle"],
  ["cat", "tiger", "leopard"],
  ["cup", "teacup", "mug"],
  ["car", "taxi", "police car", "suv"],
  ["apple", "tomato", "peach", "green apple"],
  ["cow", "ox", "water buffalo"],
  ["person", "man", "woman"],
  ["chair", "bench", "couch"],
  ["bird", "chicken"],
  ["bottle", "wine glass"],
  ["laptop", "television"],
  ["tree", "potted plant"],
  ...["balloon", "key", "frog", "giraffe", "bee", "mouse", "rabbit", "horse", "elephant"].map((label) => [label]),
];

/** Labels for random scenes, look-alike groups flattened. */
export const lookAlikePool: readonly string[] = lookAlikeGroups.flat();

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

/**
 * A seeded random subset (1-3) of the scene's distinct labels, plus, half the time, one look-alike
 * of a chosen label that is not in the scene (a distractor the detector must not report).
 * Deterministic per (seed, scene); loads nothing (the distractor is one of the scene's
 * candidates' pool, so load it before detecting).
 */
export function partialCandidates(seed: number, scene: RandomScene): string[] {
  const random = createRng(seed * 7919 + 17).next;
  const present = [...new Set(scene.layout.objects.map((object) => object.label))];
  const count = Math.min(present.length, 1 + Math.floor(random() * 3));
  const chosen: string[] = [];
  while (chosen.length < count) {
    const label = pick(random, present);
    if (!chosen.includes(label)) chosen.push(label);
  }
  if (random() < 0.5) {
    const lookAlikes = chosen.flatMap((label) => lookAlikeGroups.find((group) => group.includes(label)) ?? []).filter((label) => !present.includes(label));
    if (lookAlikes.length > 0) chosen.push(pick(random, lookAlikes));
  }
  return chosen;
}
