import type { RasterImage } from "../../../image/raster";
import type { Box } from "../../../scene-graph/schema";
import type { ColourName } from "../../../scene-graph/vocabulary";
import { nameColour } from "./detect-colour";
import { depthsOf } from "./detect-depth";
import { groupComponents, peelGroup, type Found, type PeelBuffers } from "./detect-peel";
import { createScene } from "./detect-score";
import { analysePixels, connectedComponents } from "./foreground";
import type { SpriteLibrary } from "./sprite-library";
import type { WorldStyle } from "./world";

/**
 * The sim Checker's eyes: finds objects in an image using only its pixels, the candidate labels
 * and the world's constant knowledge (sprite library templates, background palette, perspective
 * law). It never receives a layout, ids or any per-image hidden state.
 *
 * Pipeline (one module per step):
 * 1. Foreground mask (foreground.ts): pixels the known sky/ground gradient cannot explain,
 *    allowing for shadows. Connected components, grouped when nearly touching (detect-peel.ts).
 * 2. Peeling per group (detect-peel.ts): the best hypothesis (label, rect) for the unexplained
 *    part is found (detect-search.ts: anchored coarse search scored by detect-score.ts), refined
 *    at full resolution (detect-refine.ts) and accepted; its pixels become neutral occlusion for
 *    the objects behind. Unexplained solid blobs become label "object".
 * 3. Depth (detect-depth.ts): perspective law, stacking, floating shadows, occlusion order.
 * 4. Colour (detect-colour.ts): natural colour or the best-reproducing vocabulary colour.
 *
 * Exports: Detection, detectObjects.
 */

export interface Detection {
  /** One of the candidate labels, or "object" for foreground it cannot identify. */
  label: string;
  box: Box;
  /** 0 nearest .. 1 farthest. */
  depth: number;
  colour: ColourName;
  score: number;
  visibleFraction: number;
}

let sharedBuffers: PeelBuffers | undefined;

/** Zeroed work buffers, reused across calls (cleared here so a failed call cannot leak into the next). */
function peelBuffers(size: number): PeelBuffers {
  if (sharedBuffers?.work.length !== size) sharedBuffers = { scratch: new Int32Array(size), work: new Uint8Array(size) };
  else {
    sharedBuffers.scratch.fill(0);
    sharedBuffers.work.fill(0);
  }
  return sharedBuffers;
}

/**
 * Find the candidate objects in `image`. Throws if a candidate's sprite is not loaded
 * (`await library.load(candidateLabels)` first) or the image size differs from the style.
 */
export function detectObjects(image: RasterImage, candidateLabels: readonly string[], library: SpriteLibrary, style: WorldStyle): Detection[] {
  const labelOfKey = new Map<string, string>();
  for (const label of candidateLabels) {
    const key = library.resolve(label).key;
    library.spriteByKey(key);
    if (!labelOfKey.has(key)) labelOfKey.set(key, label);
  }
  const keys = [...labelOfKey.keys()];
  const analysis = analysePixels(image, style);
  const { width: W, height: H } = analysis;
  const scene = createScene(analysis, library);
  const buffers = peelBuffers(W * H);
  const components = connectedComponents(analysis.foreground, W, H, null, buffers.scratch, 30);
  const found: Found[] = [];
  if (keys.length > 0) for (const group of groupComponents(components)) found.push(...peelGroup(scene, keys, group, buffers));
  const depths = depthsOf(scene, found, style);
  return found.map((f, index) => {
    const h = f.hypothesis;
    const box = h
      ? { x: h.left / W, y: h.top / H, width: h.width / W, height: h.height / H }
      : { x: f.bounds.x0 / W, y: f.bounds.y0 / H, width: (f.bounds.x1 - f.bounds.x0 + 1) / W, height: (f.bounds.y1 - f.bounds.y0 + 1) / H };
    return {
      label: h ? labelOfKey.get(h.key)! : "object",
      box,
      depth: depths[index]!,
      colour: h ? nameColour(image, scene, h) : "gray",
      score: f.score,
      visibleFraction: h ? Math.min(1, h.visible) : 1,
    };
  });
}
