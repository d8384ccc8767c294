import type { Detection } from "./world/detect";
import { analysePixels } from "./world/foreground";
import type { PixelTruth } from "./world/ledger";
import { objectBox, objectRect, spritePixels, type PlacedObject } from "./world/render";
import type { SpriteLibrary } from "./world/sprite-library";
import { backgroundRowColour, groundYOfDepth, horizonY, SHADOW_MIN_FACTOR, type WorldStyle } from "./world/world";
import type { RasterImage } from "../../image/raster";
import type { Box } from "../../scene-graph/schema";

/**
 * The sim Editor's brush: erases an object found in an image and draws one, pixel by pixel, the
 * way the world's renderer would have (same sprites, same contact shadows, same blending), so
 * an edited image reads exactly like a generated one.
 */

/** The detector's label for foreground it could not identify; the Editor cannot repaint those. */
export const UNKNOWN_LABEL = "object";
/** Cleared shadow area is a little larger than the shadow, so no faint ring is left behind. */
const SHADOW_CLEAR_MARGIN = 1.15;

/** Anything that takes up room in the picture: a detection, or an object the Editor just placed. */
export type Occupant = Pick<Detection, "box" | "depth">;

export function isDetection(occupant: Occupant): occupant is Detection {
  return "label" in occupant;
}

function contains(box: Box, x: number, y: number): boolean {
  return x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height;
}

export class ScenePainter {
  constructor(
    private readonly library: SpriteLibrary,
    private readonly style: WorldStyle,
  ) {}

  /**
   * Canvases whose pixel truth (world/ledger.ts) the brush keeps up to date as it paints. This is
   * the world's physics, not the Editor's knowledge: the Editor still decides from pixels only.
   */
  private readonly tracked = new WeakMap<RasterImage, PixelTruth>();

  /** Keeps `truth` (which object owns each pixel) in step with everything painted on `canvas`. */
  track(canvas: RasterImage, truth: PixelTruth): void {
    this.tracked.set(canvas, truth);
  }

  /** A detection as the world would have placed it: its box becomes centre, base and height. */
  asPlaced(detection: Detection): PlacedObject {
    const { width, height } = this.style;
    const box = detection.box;
    const known = detection.label !== UNKNOWN_LABEL;
    const recoloured = known && detection.colour !== this.library.naturalColour(this.library.resolve(detection.label).key);
    return {
      label: detection.label,
      ...(recoloured ? { colour: detection.colour } : {}),
      centreX: (box.x + box.width / 2) * width,
      baseY: (box.y + box.height) * height,
      height: box.height * height,
      depth: detection.depth,
      groundY: groundYOfDepth(detection.depth, this.style),
    };
  }

  /**
   * Paints the background over the object's own pixels (those that still show its sprite) and
   * over its contact shadow, then repaints, inside that cleared area only, what was behind it:
   * the other objects' shadows and the named objects farther away (an inpainting that knows
   * what those objects look like). Pixels of nearer objects that covered it are left alone.
   */
  erase(canvas: RasterImage, detection: Detection, others: readonly Occupant[]): void {
    const placed = this.asPlaced(detection);
    const { data, width } = canvas;
    const truth = this.tracked.get(canvas);
    const cleared = new Uint8Array(width * canvas.height);
    const clear = (p: number, y: number) => {
      const [r, g, b] = backgroundRowColour(y, this.style);
      data[p * 4] = r;
      data[p * 4 + 1] = g;
      data[p * 4 + 2] = b;
      cleared[p] = 1;
      if (truth) truth.owner[p] = -1;
    };
    if (detection.label === UNKNOWN_LABEL) {
      // Foreground the detector could not name has no sprite to match, so its pixels are the
      // foreground inside its box, less what nearer objects cover there.
      const before = analysePixels(canvas, this.style).foreground;
      const nearer = others.filter((other) => other.depth < detection.depth);
      const { box } = detection;
      for (let y = Math.max(0, Math.floor(box.y * canvas.height)); y < Math.min(canvas.height, Math.ceil((box.y + box.height) * canvas.height)); y++) {
        for (let x = Math.max(0, Math.floor(box.x * width)); x < Math.min(width, Math.ceil((box.x + box.width) * width)); x++) {
          const p = y * width + x;
          if (before[p] && !nearer.some((other) => contains(other.box, x / width, y / canvas.height))) clear(p, y);
        }
      }
    } else {
      this.forEachSpritePixel(canvas, placed, (p, sprite, s, spriteWidth) => {
        // An opaque sprite pixel is the object's own only if it still shows the sprite's colour
        // (otherwise something nearer covers it); soft edge pixels are always repainted.
        if (sprite[s + 3]! < 255 || showsSprite(data, p * 4, sprite, s, spriteWidth)) clear(p, Math.floor(p / width));
      });
    }
    const foreground = analysePixels(canvas, this.style).foreground;
    forEachShadowPixel(placed, objectRect(placed, this.library).width, this.style, SHADOW_CLEAR_MARGIN, (p, y) => {
      if (!foreground[p]) clear(p, y);
    });

    const restore = (p: number) => cleared[p] === 1;
    for (const other of others) {
      if (isDetection(other)) this.castShadow(canvas, this.asPlaced(other), other.box.width * width, restore);
    }
    const behind = others
      .filter((other): other is Detection => isDetection(other) && other.label !== UNKNOWN_LABEL && other.depth >= detection.depth)
      .sort((a, b) => b.depth - a.depth);
    for (const other of behind) this.paintSprite(canvas, this.asPlaced(other), restore, truth && this.drawnObjectUnder(truth, other, canvas));
  }

  /** Draws the object with its shadow; it covers what is farther away and hides behind what is nearer. */
  draw(canvas: RasterImage, placed: PlacedObject, others: readonly Occupant[]): void {
    const { width, height } = this.style;
    const foreground = analysePixels(canvas, this.style).foreground;
    const rect = objectRect(placed, this.library);
    this.castShadow(canvas, placed, rect.width, (p) => !foreground[p]);
    const nearer = others.filter((other) => other.depth < placed.depth || (other.depth === placed.depth && (other.box.y + other.box.height) * height < placed.baseY));
    const truth = this.tracked.get(canvas);
    this.paintSprite(
      canvas,
      placed,
      (p) => {
        if (!foreground[p]) return true;
        const x = ((p % width) + 0.5) / width;
        const y = (Math.floor(p / width) + 0.5) / height;
        return !nearer.some((other) => contains(other.box, x, y));
      },
      truth && this.addDrawnObject(truth, placed),
    );
  }

  /** Files a newly drawn object in the truth; returns its owner index. */
  private addDrawnObject(truth: PixelTruth, placed: PlacedObject): number {
    const rect = objectRect(placed, this.library);
    const sprite = spritePixels(this.library, this.library.resolve(placed.label).key, rect.width, rect.height, placed.colour, placed.label);
    let solidPixels = 0;
    for (let s = 3; s < sprite.length; s += 4) if (sprite[s]! >= 128) solidPixels++;
    truth.objects.push({
      label: placed.label,
      ...(placed.colour ? { colour: placed.colour } : {}),
      box: objectBox(placed, this.library, this.style),
      depth: placed.depth,
      solidPixels,
    });
    return truth.objects.length - 1;
  }

  /**
   * The drawn object a repaint of `detection` shows again: the one of that label owning most of
   * the pixels in its box (a new one when there is none, e.g. the Editor repaints a misreading).
   */
  private drawnObjectUnder(truth: PixelTruth, detection: Detection, canvas: RasterImage): number {
    const { width, height } = canvas;
    const counts = new Map<number, number>();
    const left = Math.max(0, Math.floor(detection.box.x * width));
    const right = Math.min(width, Math.ceil((detection.box.x + detection.box.width) * width));
    const top = Math.max(0, Math.floor(detection.box.y * height));
    const bottom = Math.min(height, Math.ceil((detection.box.y + detection.box.height) * height));
    for (let y = top; y < bottom; y++) {
      for (let x = left; x < right; x++) {
        const owner = truth.owner[y * width + x]!;
        if (owner >= 0 && truth.objects[owner]!.label === detection.label) counts.set(owner, (counts.get(owner) ?? 0) + 1);
      }
    }
    let best: number | undefined;
    for (const [owner, count] of counts) if (best === undefined || count > counts.get(best)!) best = owner;
    return best ?? this.addDrawnObject(truth, this.asPlaced(detection));
  }

  /**
   * Alpha-composites the object's sprite onto the pixels `allowed` accepts; where the sprite is
   * opaque (alpha >= 128, the renderer's rule) the tracked truth's pixel becomes `owner`'s.
   */
  private paintSprite(canvas: RasterImage, placed: PlacedObject, allowed: (pixel: number) => boolean, owner?: number): void {
    const { data } = canvas;
    const truth = owner === undefined ? undefined : this.tracked.get(canvas);
    this.forEachSpritePixel(canvas, placed, (p, sprite, s) => {
      if (!allowed(p)) return;
      if (truth && sprite[s + 3]! >= 128) truth.owner[p] = owner!;
      const d = p * 4;
      const t = sprite[s + 3]! / 255;
      data[d] = data[d]! + (sprite[s]! - data[d]!) * t;
      data[d + 1] = data[d + 1]! + (sprite[s + 1]! - data[d + 1]!) * t;
      data[d + 2] = data[d + 2]! + (sprite[s + 2]! - data[d + 2]!) * t;
    });
  }

  /** Visits every in-frame pixel the object's sprite covers (alpha > 0): pixel index, sprite, sprite offset. */
  private forEachSpritePixel(
    canvas: RasterImage,
    placed: PlacedObject,
    visit: (pixel: number, sprite: Uint8ClampedArray, offset: number, spriteWidth: number) => void,
  ): void {
    const rect = objectRect(placed, this.library);
    const sprite = spritePixels(this.library, this.library.resolve(placed.label).key, rect.width, rect.height, placed.colour, placed.label);
    const { width, height } = canvas;
    for (let j = 0; j < rect.height; j++) {
      const y = rect.top + j;
      if (y < 0 || y >= height) continue;
      for (let i = 0; i < rect.width; i++) {
        const x = rect.left + i;
        const offset = (j * rect.width + i) * 4;
        if (x < 0 || x >= width || sprite[offset + 3] === 0) continue;
        visit(y * width + x, sprite, offset, rect.width);
      }
    }
  }

  /** Darkens the ground under the object the way the renderer's contact shadow does. */
  private castShadow(canvas: RasterImage, placed: PlacedObject, objectWidth: number, allowed: (pixel: number) => boolean): void {
    const { data } = canvas;
    forEachShadowPixel(placed, objectWidth, this.style, 1, (p, _y, d2) => {
      if (!allowed(p)) return;
      const factor = Math.max(SHADOW_MIN_FACTOR, 1 - this.style.shadowStrength * (1 - d2));
      data[p * 4] = data[p * 4]! * factor;
      data[p * 4 + 1] = data[p * 4 + 1]! * factor;
      data[p * 4 + 2] = data[p * 4 + 2]! * factor;
    });
  }
}


/** Colour distance (sum over RGB) under which an image pixel still shows the sprite pixel. */
const SPRITE_MATCH_TOLERANCE = 36;

/**
 * Does the image pixel at `d` show the sprite pixel at `s`, allowing for a one-pixel offset
 * between where the Editor thinks the object is and where it was drawn? Shading changes
 * steeply inside a sprite, and an exact comparison leaves ghost outlines behind.
 */
function showsSprite(data: Uint8ClampedArray, d: number, sprite: Uint8ClampedArray, s: number, spriteWidth: number): boolean {
  for (const dy of [0, -1, 1]) {
    for (const dx of [0, -1, 1]) {
      const n = s + (dy * spriteWidth + dx) * 4;
      if (n < 0 || n + 3 >= sprite.length || sprite[n + 3]! === 0) continue;
      const distance = Math.abs(data[d]! - sprite[n]!) + Math.abs(data[d + 1]! - sprite[n + 1]!) + Math.abs(data[d + 2]! - sprite[n + 2]!);
      if (distance <= SPRITE_MATCH_TOLERANCE) return true;
    }
  }
  return false;
}

/** The renderer's contact-shadow ellipse (render.ts), optionally grown by `scale`. */
function forEachShadowPixel(placed: PlacedObject, objectWidth: number, style: WorldStyle, scale: number, visit: (pixel: number, y: number, d2: number) => void): void {
  const rx = Math.max(4, objectWidth * 0.5) * scale;
  const ry = Math.max(2, rx * 0.18) * scale;
  const width = style.width;
  for (let y = Math.max(horizonY(style), Math.ceil(placed.groundY - ry)); y <= Math.min(style.height - 1, Math.floor(placed.groundY + ry)); y++) {
    const dy = (y - placed.groundY) / ry;
    for (let x = Math.max(0, Math.ceil(placed.centreX - rx)); x <= Math.min(width - 1, Math.floor(placed.centreX + rx)); x++) {
      const dx = (x - placed.centreX) / rx;
      const d2 = dx * dx + dy * dy;
      if (d2 < 1) visit(y * width + x, y, d2);
    }
  }
}

