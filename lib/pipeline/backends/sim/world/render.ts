import type { RasterImage } from "../../../image/raster";
import type { Box } from "../../../scene-graph/schema";
import type { ColourName } from "../../../scene-graph/vocabulary";
import { recolourSprite } from "./colour";
import { FALLBACK_KEY, type SpriteLibrary } from "./sprite-library";
import { printLabel } from "./fallback-label";
import { backgroundPixels, horizonY, SHADOW_MIN_FACTOR, type WorldStyle } from "./world";
import { recordDrawn } from "./ledger";

/**
 * The embedded world's "diffusion model": draws a layout as sky + ground + soft contact shadows +
 * Fluent Emoji 3D sprites (optionally recoloured), and reports the ground truth it drew.
 *
 * Rules:
 * - Geometry is integer: an object's rect is h = round(height), w = max(1, round(h * aspect)),
 *   left = round(centreX - w / 2), top = round(baseY) - h (see `objectRect`). Its box is that
 *   rect normalised: the trimmed sprite's alpha bounding box (amodal, even when occluded).
 * - Shadows are painted first, on ground pixels only: an ellipse centred at (centreX, groundY),
 *   half-width 0.5 w, darkening RGB multiplicatively (never below SHADOW_MIN_FACTOR overall).
 * - Painter's order: depth descending (far first); equal depth: larger baseY first, so an object
 *   stacked on its support (same depth, base higher up) is drawn after the support; then input order.
 * - Deterministic: the same layout always gives identical pixels (an editor can repaint by
 *   rendering an edited layout).
 * - visibleFraction: share of the object's pixels with alpha >= 128 that no later object covers
 *   with alpha >= 128 (pixels outside the frame count as not visible).
 *
 * Exports: PlacedObject, SceneLayout, RenderedObject, RenderResult, objectRect, objectBox,
 * paintOrder, renderScene.
 */

export interface PlacedObject {
  readonly label: string;
  readonly colour?: ColourName;
  /** Horizontal centre, px. */
  readonly centreX: number;
  /** Bottom of the sprite, px. */
  readonly baseY: number;
  /** Drawn height, px. */
  readonly height: number;
  /** 0 nearest .. 1 farthest (world.ts depthOfGroundY of groundY for grounded layouts). */
  readonly depth: number;
  /** Where the contact shadow falls, px; = baseY when standing on the ground. */
  readonly groundY: number;
}

export interface SceneLayout {
  readonly style: WorldStyle;
  readonly objects: readonly PlacedObject[];
}

export interface RenderedObject {
  readonly label: string;
  readonly box: Box;
  readonly depth: number;
  readonly visibleFraction: number;
}

export interface RenderResult {
  readonly image: RasterImage;
  /** One entry per layout object, in layout order. */
  readonly truth: RenderedObject[];
  readonly warnings: string[];
}

export interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Integer pixel rect of a placed object (requires its sprite loaded). */
export function objectRect(object: PlacedObject, library: SpriteLibrary): PixelRect {
  const height = Math.max(1, Math.round(object.height));
  const width = Math.max(1, Math.round(height * library.aspect(object.label)));
  return { left: Math.round(object.centreX - width / 2), top: Math.round(object.baseY) - height, width, height };
}

/** Normalised box of a placed object: what the renderer will report as its truth box. */
export function objectBox(object: PlacedObject, library: SpriteLibrary, style: WorldStyle): Box {
  const rect = objectRect(object, library);
  return { x: rect.left / style.width, y: rect.top / style.height, width: rect.width / style.width, height: rect.height / style.height };
}

/** Indices of layout objects in drawing order (see header). */
export function paintOrder(objects: readonly PlacedObject[]): number[] {
  return objects
    .map((_, index) => index)
    .sort((a, b) => {
      const oa = objects[a]!;
      const ob = objects[b]!;
      if (oa.depth !== ob.depth) return ob.depth - oa.depth;
      if (oa.baseY !== ob.baseY) return ob.baseY - oa.baseY;
      return a - b;
    });
}

const recoloured = new Map<string, Uint8ClampedArray>();

/**
 * The pixels drawn for one object: the sprite scaled to width x height, recoloured when asked,
 * and, for the fallback sprite, with the object's label printed on it. Cached (LRU-ish).
 */
export function spritePixels(
  library: SpriteLibrary,
  key: string,
  width: number,
  height: number,
  colour: ColourName | undefined,
  label?: string,
): Uint8ClampedArray {
  const scaled = library.scaledSprite(key, width, height);
  const printed = key === FALLBACK_KEY && label !== undefined;
  if (!colour && !printed) return scaled;
  const cacheKey = `${key}:${width}x${height}:${colour ?? ""}:${printed ? label : ""}`;
  let pixels = recoloured.get(cacheKey);
  if (!pixels) {
    pixels = new Uint8ClampedArray(scaled);
    if (colour) recolourSprite(pixels, colour);
    if (printed) pixels = printLabel(pixels, width, height, label);
    if (recoloured.size > 400) recoloured.delete(recoloured.keys().next().value!);
    recoloured.set(cacheKey, pixels);
  }
  return pixels;
}

function paintShadows(data: Uint8ClampedArray, layout: SceneLayout, rects: PixelRect[]): void {
  const { style } = layout;
  const W = style.width;
  const horizon = horizonY(style);
  const factor = new Float32Array(W * style.height).fill(1);
  let any = false;
  layout.objects.forEach((object, index) => {
    const rx = Math.max(4, rects[index]!.width * 0.5);
    const ry = Math.max(2, rx * 0.18);
    const cx = object.centreX;
    const cy = object.groundY;
    const y0 = Math.max(horizon, Math.ceil(cy - ry));
    const y1 = Math.min(style.height - 1, Math.floor(cy + ry));
    const x0 = Math.max(0, Math.ceil(cx - rx));
    const x1 = Math.min(W - 1, Math.floor(cx + rx));
    for (let y = y0; y <= y1; y++) {
      const dy = (y - cy) / ry;
      for (let x = x0; x <= x1; x++) {
        const dx = (x - cx) / rx;
        const d2 = dx * dx + dy * dy;
        if (d2 >= 1) continue;
        factor[y * W + x]! *= 1 - style.shadowStrength * (1 - d2);
        any = true;
      }
    }
  });
  if (!any) return;
  for (let p = horizon * W; p < factor.length; p++) {
    const f = factor[p]!;
    if (f === 1) continue;
    const k = Math.max(SHADOW_MIN_FACTOR, f);
    const i = p * 4;
    data[i] = data[i]! * k;
    data[i + 1] = data[i + 1]! * k;
    data[i + 2] = data[i + 2]! * k;
  }
}

export async function renderScene(layout: SceneLayout, library: SpriteLibrary): Promise<RenderResult> {
  const { style, objects } = layout;
  const warnings: string[] = [];
  await library.load(objects.map((object) => object.label));
  const keys = objects.map((object) => {
    const resolution = library.resolve(object.label);
    warnings.push(...resolution.warnings);
    return resolution.key;
  });
  const W = style.width;
  const H = style.height;
  const data = new Uint8ClampedArray(backgroundPixels(style));
  const rects = objects.map((object) => objectRect(object, library));
  paintShadows(data, layout, rects);

  const owner = new Int16Array(W * H).fill(-1);
  const solidCount = new Array<number>(objects.length).fill(0);
  for (const index of paintOrder(objects)) {
    const rect = rects[index]!;
    const pixels = spritePixels(library, keys[index]!, rect.width, rect.height, objects[index]!.colour, objects[index]!.label);
    let solid = 0;
    for (let j = 0; j < rect.height; j++) {
      const y = rect.top + j;
      const inRow = y >= 0 && y < H;
      for (let i = 0; i < rect.width; i++) {
        const s = (j * rect.width + i) * 4;
        const a = pixels[s + 3]!;
        if (a === 0) continue;
        if (a >= 128) solid++;
        const x = rect.left + i;
        if (!inRow || x < 0 || x >= W) continue;
        const p = y * W + x;
        const d = p * 4;
        if (a === 255) {
          data[d] = pixels[s]!;
          data[d + 1] = pixels[s + 1]!;
          data[d + 2] = pixels[s + 2]!;
        } else {
          const t = a / 255;
          data[d] = data[d]! + (pixels[s]! - data[d]!) * t;
          data[d + 1] = data[d + 1]! + (pixels[s + 1]! - data[d + 1]!) * t;
          data[d + 2] = data[d + 2]! + (pixels[s + 2]! - data[d + 2]!) * t;
        }
        if (a >= 128) owner[p] = index;
      }
    }
    solidCount[index] = solid;
  }
  const visibleCount = new Array<number>(objects.length).fill(0);
  for (let p = 0; p < owner.length; p++) {
    const o = owner[p]!;
    if (o >= 0) visibleCount[o]!++;
  }
  const truth = objects.map((object, index) => {
    const rect = rects[index]!;
    return {
      label: object.label,
      box: { x: rect.left / W, y: rect.top / H, width: rect.width / W, height: rect.height / H },
      depth: object.depth,
      visibleFraction: solidCount[index]! > 0 ? visibleCount[index]! / solidCount[index]! : 0,
    };
  });
  const image = { width: W, height: H, data };
  recordDrawn(image, {
    owner,
    objects: objects.map((object, index) => ({
      label: object.label,
      ...(object.colour ? { colour: object.colour } : {}),
      box: truth[index]!.box,
      depth: object.depth,
      solidPixels: solidCount[index]!,
    })),
  });
  return { image, truth, warnings: [...new Set(warnings)] };
}
