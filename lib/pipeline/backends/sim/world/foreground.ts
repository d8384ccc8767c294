import type { RasterImage } from "../../../image/raster";
import { backgroundRowColour, horizonY, SHADOW_MIN_FACTOR, type WorldStyle } from "./world";

/**
 * Pixel-level analysis of an image against the world's known background: which pixels are
 * foreground (not sky/ground, not ground darkened by a shadow), which are shadowed ground, and
 * every pixel's luminance. Uses only the pixels and the world style.
 *
 * Exports: PixelAnalysis, analysePixels, connectedComponents, Component.
 */

export interface PixelAnalysis {
  readonly width: number;
  readonly height: number;
  readonly lum: Float32Array;
  /** 1 where the pixel is not explained by the background (with or without shadow). */
  readonly foreground: Uint8Array;
  /** 1 where the pixel is ground darkened by a shadow. */
  readonly shadow: Uint8Array;
}

const SKY_TOLERANCE = 5;
const GROUND_TOLERANCE = 3.5;

export function analysePixels(image: RasterImage, style: WorldStyle): PixelAnalysis {
  const { width, height, data } = image;
  if (width !== style.width || height !== style.height) {
    throw new Error(`image is ${width}x${height} but the world style is ${style.width}x${style.height}`);
  }
  const lum = new Float32Array(width * height);
  const foreground = new Uint8Array(width * height);
  const shadow = new Uint8Array(width * height);
  const horizon = horizonY(style);
  for (let y = 0; y < height; y++) {
    const [R, G, B] = backgroundRowColour(y, style);
    const inverseNorm = 1 / (R * R + G * G + B * B);
    const p0 = y * width;
    if (y < horizon) {
      for (let p = p0, i = p0 * 4, end = p0 + width; p < end; p++, i += 4) {
        const r = data[i]!;
        const g = data[i + 1]!;
        const b = data[i + 2]!;
        lum[p] = 0.299 * r + 0.587 * g + 0.114 * b;
        if (Math.abs(r - R) > SKY_TOLERANCE || Math.abs(g - G) > SKY_TOLERANCE || Math.abs(b - B) > SKY_TOLERANCE) foreground[p] = 1;
      }
      continue;
    }
    const kLow = SHADOW_MIN_FACTOR - 0.03;
    for (let p = p0, i = p0 * 4, end = p0 + width; p < end; p++, i += 4) {
      const r = data[i]!;
      const g = data[i + 1]!;
      const b = data[i + 2]!;
      lum[p] = 0.299 * r + 0.587 * g + 0.114 * b;
      if (r === R && g === G && b === B) continue;
      const k = (r * R + g * G + b * B) * inverseNorm;
      if (k < kLow || k > 1.02 || Math.abs(r - k * R) > GROUND_TOLERANCE || Math.abs(g - k * G) > GROUND_TOLERANCE || Math.abs(b - k * B) > GROUND_TOLERANCE) {
        foreground[p] = 1;
      } else if (k < 0.97) {
        shadow[p] = 1;
      }
    }
  }
  return { width, height, lum, foreground, shadow };
}

export interface Component {
  /** Pixel indices (y * width + x). */
  pixels: Int32Array;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

let stackBuffer: Int32Array | undefined;
let pixelBuffer: Int32Array | undefined;

/**
 * 8-connected components of `mask` (non-zero) reachable from `seeds` (pixel indices; every
 * pixel when null).
 * `scratch` must be a zeroed Int32Array of width*height; it is left zeroed.
 */
export function connectedComponents(mask: Uint8Array, width: number, height: number, seeds: ArrayLike<number> | null, scratch: Int32Array, minSize: number): Component[] {
  const components: Component[] = [];
  const size = width * height;
  if (!stackBuffer || stackBuffer.length < size) stackBuffer = new Int32Array(size);
  if (!pixelBuffer || pixelBuffer.length < size) pixelBuffer = new Int32Array(size);
  const stack = stackBuffer;
  // Every visited pixel, component after component: [start, end) per component.
  const visited = pixelBuffer;
  let count = 0;
  const seedCount = seeds ? seeds.length : size;
  for (let s = 0; s < seedCount; s++) {
    const seed = seeds ? seeds[s]! : s;
    if (!mask[seed] || scratch[seed]) continue;
    const start = count;
    let top = 0;
    stack[top++] = seed;
    scratch[seed] = 1;
    let x0 = width;
    let y0 = height;
    let x1 = -1;
    let y1 = -1;
    while (top > 0) {
      const p = stack[--top]!;
      visited[count++] = p;
      const x = p % width;
      const y = (p - x) / width;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      const left = x > 0 ? -1 : 0;
      const right = x < width - 1 ? 1 : 0;
      const up = y > 0 ? -1 : 0;
      const down = y < height - 1 ? 1 : 0;
      for (let dy = up; dy <= down; dy++) {
        const row = p + dy * width;
        for (let dx = left; dx <= right; dx++) {
          const q = row + dx;
          if (mask[q] && !scratch[q]) {
            scratch[q] = 1;
            stack[top++] = q;
          }
        }
      }
    }
    if (count - start >= minSize) components.push({ pixels: visited.slice(start, count), x0, y0, x1, y1 });
  }
  for (let i = 0; i < count; i++) scratch[visited[i]!] = 0;
  return components;
}
