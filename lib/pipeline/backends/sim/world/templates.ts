import { mipFor, type Sprite, type SpriteLibrary } from "./sprite-library";

/**
 * Detector "weights" derived from the sprite library: for each sprite, sample points inside its
 * eroded silhouette (normalised u, v in 0..1 of the trimmed sprite) and, per mip level, the
 * luminance the renderer will produce there. Memoised in the library, like trained weights; they
 * depend only on the sprite, never on an image.
 *
 * Exports: SpriteTemplate, CELLS, spriteTemplate, expectedLuminance, ScaledLuminance, scaledLuminance.
 */

export interface SpriteTemplate {
  readonly key: string;
  readonly aspect: number;
  /** Share of the trimmed rect covered by the sprite (alpha >= 128). */
  readonly fill: number;
  /** Dense interior samples for exact scoring. */
  readonly u: Float32Array;
  readonly v: Float32Array;
  /** Per dense sample, its cell of a CELLS x CELLS grid over the rect (row-major), for occlusion-aware fit. */
  readonly cell: Uint8Array;
  /** Indices into u/v of a sparse subset used by the coarse search. */
  readonly coarse: Int32Array;
  /** u, v and per-level luminance of the coarse subset, contiguous for the search's inner loop. */
  readonly coarseU: Float32Array;
  readonly coarseV: Float32Array;
  readonly coarseLevelLum: Float32Array[];
  /** The coarse samples in an order spread over the whole template (early tallies judge all its parts). */
  readonly coarseSpread: Int32Array;
  /** Normalised span [min, max] of the sprite's extreme band on each side: top/bottom give u, left/right give v. */
  readonly extremes: { top: [number, number]; bottom: [number, number]; left: [number, number]; right: [number, number] };
  /** Per mip level: luminance at each sample (nearest-level bilinear at the normalised point). */
  readonly levelLum: Float32Array[];
}

const DENSE_SAMPLES = 260;
/** The occlusion-aware fit judges the template in CELLS x CELLS parts (detect-score.ts). */
export const CELLS = 4;
const COARSE_SAMPLES = 56;

export function spriteTemplate(library: SpriteLibrary, key: string): SpriteTemplate {
  return library.memo(`template:${key}`, () => buildTemplate(library.spriteByKey(key)));
}

function buildTemplate(sprite: Sprite): SpriteTemplate {
  const level = sprite.mips[0]!;
  const { width, height, alpha } = level;
  // Chessboard distance to the nearest non-opaque pixel (two-pass transform).
  const dist = new Int32Array(width * height);
  const big = width + height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (alpha[p]! < 255 || x === 0 || y === 0 || x === width - 1 || y === height - 1) dist[p] = 0;
      else dist[p] = Math.min(big, dist[p - 1]! + 1, dist[p - width]! + 1, dist[p - width - 1]! + 1, dist[p - width + 1]! + 1);
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const p = y * width + x;
      if (dist[p] === 0) continue;
      dist[p] = Math.min(dist[p]!, dist[p + 1]! + 1, dist[p + width]! + 1, dist[p + width + 1]! + 1, dist[p + width - 1]! + 1);
    }
  }
  let solid = 0;
  for (let p = 0; p < alpha.length; p++) if (alpha[p]! >= 128) solid++;
  const erosion = Math.max(3, Math.round(Math.max(width, height) * 0.025));
  const interior: number[] = [];
  for (let p = 0; p < dist.length; p++) if (dist[p]! > erosion) interior.push(p);
  if (interior.length === 0) for (let p = 0; p < dist.length; p++) if (dist[p]! > 0) interior.push(p);
  const stride = Math.max(1, Math.sqrt(interior.length / DENSE_SAMPLES));
  const chosen: number[] = [];
  const seen = new Set<number>();
  for (let gy = stride / 2; gy < height; gy += stride) {
    for (let gx = stride / 2; gx < width; gx += stride) {
      const p = Math.floor(gy) * width + Math.floor(gx);
      if (dist[p]! > erosion && !seen.has(p)) {
        seen.add(p);
        chosen.push(p);
      }
    }
  }
  if (chosen.length < 8) chosen.push(...interior.slice(0, 64));
  const u = new Float32Array(chosen.length);
  const v = new Float32Array(chosen.length);
  chosen.forEach((p, index) => {
    u[index] = ((p % width) + 0.5) / width;
    v[index] = (Math.floor(p / width) + 0.5) / height;
  });
  const coarseStep = Math.max(1, chosen.length / COARSE_SAMPLES);
  const coarse: number[] = [];
  for (let k = 0; k < chosen.length; k += coarseStep) coarse.push(Math.floor(k));
  const levelLum = sprite.mips.map((mip) => {
    const lum = new Float32Array(chosen.length);
    for (let k = 0; k < chosen.length; k++) {
      lum[k] = bilinear(mip.lum, mip.width, mip.height, u[k]! * mip.width - 0.5, v[k]! * mip.height - 0.5);
    }
    return lum;
  });
  return {
    key: sprite.key,
    aspect: sprite.aspect,
    fill: solid / alpha.length,
    u,
    v,
    cell: Uint8Array.from(u, (uk, k) => Math.min(CELLS - 1, Math.floor(v[k]! * CELLS)) * CELLS + Math.min(CELLS - 1, Math.floor(uk * CELLS))),
    coarse: Int32Array.from(coarse),
    coarseU: Float32Array.from(coarse, (k) => u[k]!),
    coarseV: Float32Array.from(coarse, (k) => v[k]!),
    coarseLevelLum: levelLum.map((lum) => Float32Array.from(coarse, (k) => lum[k]!)),
    coarseSpread: spreadOrder(coarse.length),
    levelLum,
    extremes: extremeSpans(alpha, width, height),
  };
}

/** 0..n-1 visited with a golden-ratio stride coprime to n (consecutive entries lie far apart). */
function spreadOrder(n: number): Int32Array {
  let stride = Math.max(1, Math.round(n * 0.618));
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  while (gcd(stride, n) !== 1) stride++;
  return Int32Array.from({ length: n }, (_, index) => (index * stride) % n);
}

function extremeSpans(alpha: Uint8Array, width: number, height: number): SpriteTemplate["extremes"] {
  const band = Math.max(1, Math.round(Math.max(width, height) * 0.02));
  const span = (positions: number[], size: number): [number, number] =>
    positions.length > 0 ? [Math.min(...positions) / size, (Math.max(...positions) + 1) / size] : [0, 1];
  const rowsFirst = (from: number, step: number) => {
    const xs: number[] = [];
    let found = -1;
    for (let y = from; y >= 0 && y < height; y += step) {
      for (let x = 0; x < width; x++) if (alpha[y * width + x]! >= 128) xs.push(x);
      if (xs.length > 0 && found < 0) found = y;
      if (found >= 0 && Math.abs(y - found) >= band) break;
    }
    return span(xs, width);
  };
  const columnsFirst = (from: number, step: number) => {
    const ys: number[] = [];
    let found = -1;
    for (let x = from; x >= 0 && x < width; x += step) {
      for (let y = 0; y < height; y++) if (alpha[y * width + x]! >= 128) ys.push(y);
      if (ys.length > 0 && found < 0) found = x;
      if (found >= 0 && Math.abs(x - found) >= band) break;
    }
    return span(ys, height);
  };
  return { top: rowsFirst(0, 1), bottom: rowsFirst(height - 1, -1), left: columnsFirst(0, 1), right: columnsFirst(width - 1, -1) };
}

function bilinear(values: Float32Array, width: number, height: number, fx: number, fy: number): number {
  const x = Math.min(width - 1, Math.max(0, fx));
  const y = Math.min(height - 1, Math.max(0, fy));
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(width - 1, x0 + 1);
  const y1 = Math.min(height - 1, y0 + 1);
  const tx = x - x0;
  const ty = y - y0;
  const top = values[y0 * width + x0]! * (1 - tx) + values[y0 * width + x1]! * tx;
  const bottom = values[y1 * width + x0]! * (1 - tx) + values[y1 * width + x1]! * tx;
  return top * (1 - ty) + bottom * ty;
}

/**
 * Exact luminance the renderer produces at pixel (i, j) of the sprite drawn w x h (the scaling
 * contract in sprite-library.ts), or NaN where any bilinear tap is not fully opaque.
 */
export function expectedLuminance(sprite: Sprite, width: number, height: number, i: number, j: number): number {
  const level = mipFor(sprite, height);
  const fx = Math.min(level.width - 1, Math.max(0, (i + 0.5) * (level.width / width) - 0.5));
  const fy = Math.min(level.height - 1, Math.max(0, (j + 0.5) * (level.height / height) - 0.5));
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(level.width - 1, x0 + 1);
  const y1 = Math.min(level.height - 1, y0 + 1);
  const a = level.alpha;
  const w = level.width;
  if (a[y0 * w + x0] !== 255 || a[y0 * w + x1] !== 255 || a[y1 * w + x0] !== 255 || a[y1 * w + x1] !== 255) return NaN;
  const tx = fx - x0;
  const ty = fy - y0;
  const l = level.lum;
  const top = l[y0 * w + x0]! * (1 - tx) + l[y0 * w + x1]! * tx;
  const bottom = l[y1 * w + x0]! * (1 - tx) + l[y1 * w + x1]! * tx;
  return top * (1 - ty) + bottom * ty;
}

/** Luminance and alpha of a sprite drawn w x h, exactly as the renderer's scaledSprite pixels give them. */
export interface ScaledLuminance {
  readonly width: number;
  readonly height: number;
  readonly lum: Float32Array;
  readonly alpha: Uint8Array;
}

const scaledCache = new WeakMap<Sprite, Map<string, ScaledLuminance>>();
const SCALED_CACHE_SIZE = 64;
const rounded = new Uint8ClampedArray(4);

/** Cached per sprite and size (least recently built evicted): world knowledge, not image state. */
export function scaledLuminance(sprite: Sprite, width: number, height: number): ScaledLuminance {
  let cache = scaledCache.get(sprite);
  if (!cache) {
    cache = new Map();
    scaledCache.set(sprite, cache);
  }
  const cacheKey = `${width}x${height}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const level = mipFor(sprite, height);
  const lum = new Float32Array(width * height);
  const alpha = new Uint8Array(width * height);
  const src = level.rgba;
  const w = level.width;
  const sx = level.width / width;
  const sy = level.height / height;
  for (let j = 0; j < height; j++) {
    const fy = Math.min(level.height - 1, Math.max(0, (j + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(level.height - 1, y0 + 1);
    const ty = fy - y0;
    for (let i = 0; i < width; i++) {
      const fx = Math.min(level.width - 1, Math.max(0, (i + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(level.width - 1, x0 + 1);
      const tx = fx - x0;
      // Premultiplied bilinear, as sprite-library.ts bilinearRgba (same operation order).
      let a = 0;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < 4; k++) {
        const p = ((k < 2 ? y0 : y1) * w + (k & 1 ? x1 : x0)) * 4;
        const weight = k === 0 ? (1 - tx) * (1 - ty) : k === 1 ? tx * (1 - ty) : k === 2 ? (1 - tx) * ty : tx * ty;
        const wa = weight * src[p + 3]!;
        a += wa;
        r += wa * src[p]!;
        g += wa * src[p + 1]!;
        b += wa * src[p + 2]!;
      }
      const o = j * width + i;
      if (a <= 0) continue;
      rounded[0] = r / a;
      rounded[1] = g / a;
      rounded[2] = b / a;
      rounded[3] = a;
      lum[o] = 0.299 * rounded[0]! + 0.587 * rounded[1]! + 0.114 * rounded[2]!;
      alpha[o] = rounded[3]!;
    }
  }
  const scaled = { width, height, lum, alpha };
  if (cache.size >= SCALED_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(cacheKey, scaled);
  return scaled;
}
