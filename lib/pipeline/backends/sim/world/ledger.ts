import type { RasterImage } from "../../../image/raster";
import type { Box } from "../../../scene-graph/schema";
import type { ColourName } from "../../../scene-graph/vocabulary";

/**
 * The embedded world's record of what it actually drew: for every image its renderer or its
 * brush produced, which object owns each pixel and where each object stands. This is the
 * simulator's ground truth, the thing no real evaluation has. Only the oracle Scorer reads it
 * (`drawnObjectsOf`), so reported metrics come from the truth and not from the Checker that
 * drives the loop. No other role may read it: they see pixels only.
 *
 * Images are found by their pixels (a hash of size and RGBA), so a record survives a PNG round
 * trip through storage. The record lives in this process's memory: an image drawn by another
 * process, or before a restart, has none, and the Scorer says so instead of guessing.
 */

/** One object as drawn: amodal box (the whole sprite, also where it is hidden), depth, colour. */
export interface DrawnObject {
  readonly label: string;
  /** The colour it was painted in when not the sprite's own; undefined means its natural colour. */
  readonly colour?: ColourName;
  readonly box: Box;
  /** 0 nearest .. 1 farthest. */
  readonly depth: number;
  /** Opaque sprite pixels (alpha >= 128), in or out of frame: the denominator of visibility. */
  readonly solidPixels: number;
}

/** A drawn object with the share of its opaque pixels that still shows in the image. */
export interface VisibleObject extends DrawnObject {
  readonly visibleFraction: number;
}

/** Per-pixel truth of one image: `owner[p]` is the index in `objects` of the object seen at pixel p, or -1. */
export interface PixelTruth {
  readonly owner: Int16Array;
  readonly objects: DrawnObject[];
}

/** Images whose pixel planes are kept (an edit needs its input's); 64 x 512 x 512 x 2 bytes = 32 MiB. */
const KEEP_PIXEL_TRUTH = 64;
/** Images whose object lists are kept for the Scorer (a few hundred bytes each). */
const KEEP_OBJECT_TRUTH = 8192;

interface LedgerEntry {
  objects: VisibleObject[];
  pixels?: PixelTruth;
}

const globalForLedger = globalThis as unknown as { rigWorldLedger?: Map<string, LedgerEntry> };

function ledger(): Map<string, LedgerEntry> {
  globalForLedger.rigWorldLedger ??= new Map();
  return globalForLedger.rigWorldLedger;
}

/** Content key of an image: its size and two independent 32-bit hashes of its pixels. */
export function imageKey(image: RasterImage): string {
  const { data } = image;
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  const words = data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.length >>> 2) : new Uint32Array(new Uint8Array(data).buffer);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    a = Math.imul(a ^ word, 0x01000193);
    b = Math.imul(b ^ word, 0x85ebca6b) ^ (b >>> 13);
  }
  return `${image.width}x${image.height}:${(a >>> 0).toString(16)}${(b >>> 0).toString(16)}`;
}

/** Files the truth of an image the world has just finished drawing. */
export function recordDrawn(image: RasterImage, pixels: PixelTruth): void {
  const visible = new Array<number>(pixels.objects.length).fill(0);
  for (const owner of pixels.owner) if (owner >= 0) visible[owner]!++;
  const objects = pixels.objects.map((object, index) => ({ ...object, visibleFraction: object.solidPixels > 0 ? Math.min(1, visible[index]! / object.solidPixels) : 0 }));
  const entries = ledger();
  const key = imageKey(image);
  entries.delete(key);
  entries.set(key, { objects, pixels });
  // Oldest first: beyond the limits, drop pixel planes, then whole entries.
  const size = entries.size;
  let index = 0;
  for (const [oldKey, entry] of entries) {
    const fromNewest = size - index;
    if (fromNewest > KEEP_OBJECT_TRUTH) entries.delete(oldKey);
    else if (fromNewest > KEEP_PIXEL_TRUTH) delete entry.pixels;
    else break;
    index++;
  }
}

/**
 * A copy of an image's pixel truth for the world's brush to keep up to date while it paints a
 * new image from it; undefined when the world did not draw that image (or it is too old).
 */
export function pixelTruthToEdit(image: RasterImage): PixelTruth | undefined {
  const pixels = ledger().get(imageKey(image))?.pixels;
  return pixels ? clonePixelTruth(pixels) : undefined;
}

export function clonePixelTruth(pixels: PixelTruth): PixelTruth {
  return { owner: new Int16Array(pixels.owner), objects: [...pixels.objects] };
}

/**
 * What the world drew in `image`, every object with how much of it shows; undefined when this
 * process's world did not draw it. For the oracle Scorer only.
 */
export function drawnObjectsOf(image: RasterImage): readonly VisibleObject[] | undefined {
  return ledger().get(imageKey(image))?.objects;
}
