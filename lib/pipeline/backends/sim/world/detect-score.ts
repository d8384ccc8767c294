import { luminanceMaps } from "./colour";
import type { PixelAnalysis } from "./foreground";
import { mipFor, type Sprite, type SpriteLibrary } from "./sprite-library";
import { CELLS, expectedLuminance, type SpriteTemplate } from "./templates";

/**
 * How well one hypothesis (a candidate's sprite drawn at a rect) explains the image: luminance
 * at template sample points compared under each recolouring's affine luminance map, with
 * penalties for samples that land on background. Pixels already explained by a detection in
 * front are neutral (occlusion). Two scorers:
 * - coarse: ~56 sparse samples at the mip level's precomputed luminance, early rejection after
 *   16 samples; allocation-free (the search calls it ~10^4 times per image);
 * - exact: dense samples at the exact luminance the renderer's scaling contract predicts,
 *   cached per drawn size for the duration of one detection call.
 * An occlusion-tolerant coarse variant serves objects hidden by foreground no candidate explains.
 *
 * Exports: Scene, createScene, Hypothesis, Rect, MAP_COUNT, CoarseProbe, coarseProbe,
 * coarseScore, coarseScoreOccluded, OCCLUDED_MISS_WEIGHT, coarseHypothesis, exactScore, rejected.
 */

export interface Rect {
  key: string;
  left: number;
  top: number;
  width: number;
  height: number;
  /** Which corner of the anchoring bbox is fixed: bit 1 = right, bit 2 = bottom. */
  corner: number;
}

export interface Hypothesis extends Rect {
  /** Index into luminanceMaps: the recolouring that explains the pixels best. */
  map: number;
  /** Explained area: area per sample x (match - 1.5 miss - 3 background). */
  score: number;
  precision: number;
  visible: number;
  /** (match - 1.5 miss - 3 background) / samples in frame: area-neutral fit quality. */
  fit: number;
  /**
   * Occlusion-aware fit (exact scores only; coarse ones copy precision and visible): the template
   * is judged in CELLS x CELLS parts, and parts mostly matched are its visible part. `tight` is the
   * match rate over the visible parts, `claimed` their matches per sample in frame, `background`
   * the share of in-frame samples on background (never an occluder: evidence against).
   */
  tight: number;
  claimed: number;
  /** Share of the matched samples that match within STRICT_TOLERANCE (a true fit's error is rounding). */
  strict: number;
  background: number;
}

/** Per detection call: the image analysis, which pixels detections already explain, caches. */
export interface Scene {
  readonly analysis: PixelAnalysis;
  readonly explained: Uint8Array;
  readonly library: SpriteLibrary;
  /** Exact-score samples per `${key}:${width}x${height}` (this call only). */
  readonly exactSamples: Map<string, ExactSamples>;
}

export function createScene(analysis: PixelAnalysis, library: SpriteLibrary): Scene {
  return { analysis, explained: new Uint8Array(analysis.width * analysis.height), library, exactSamples: new Map() };
}

export const MAP_COUNT = luminanceMaps.length;
// coarseScore unrolls the maps.
if (MAP_COUNT !== 4) throw new Error(`detect-score expects 4 luminance maps, found ${MAP_COUNT}`);
const mapScale = Float64Array.from(luminanceMaps, (map) => map.scale);
const mapOffset = Float64Array.from(luminanceMaps, (map) => map.offset);
const coarseTolerance = Float64Array.from(luminanceMaps, (map) => 3 + 9 * Math.max(0.35, map.scale));
const EXACT_TOLERANCE = 3.5;
/** Early rejection: more than this many of the first 8 samples unmatched (of 16: EARLY16). */
const EARLY8 = 5;
const EARLY16 = 8;

export const rejected: Hypothesis = { key: "", left: 0, top: 0, width: 0, height: 0, corner: 0, map: 0, score: -Infinity, precision: 0, visible: 0, fit: -Infinity, tight: 0, claimed: 0, strict: 0, background: 1 };

/** Coarse sample offsets and expected luminance of one key at one drawn size. */
export interface CoarseProbe {
  readonly template: SpriteTemplate;
  width: number;
  height: number;
  readonly dx: Int32Array;
  readonly dy: Int32Array;
  /** Per sample, the luminance each recolouring map predicts: mapped[s * 4 + map]. */
  readonly mapped: Float64Array;
}

export function coarseProbe(template: SpriteTemplate): CoarseProbe {
  const n = template.coarse.length;
  return { template, width: 0, height: 0, dx: new Int32Array(n), dy: new Int32Array(n), mapped: new Float64Array(n * MAP_COUNT) };
}

/** Point the probe at a drawn size (cheap: n multiplications). */
export function sizeProbe(probe: CoarseProbe, sprite: Sprite, width: number, height: number): void {
  const tpl = probe.template;
  probe.width = width;
  probe.height = height;
  for (let s = 0; s < probe.dx.length; s++) {
    probe.dx[s] = Math.floor(tpl.coarseU[s]! * width);
    probe.dy[s] = Math.floor(tpl.coarseV[s]! * height);
  }
  const expected = tpl.coarseLevelLum[sprite.mips.indexOf(mipFor(sprite, height))]!;
  for (let s = 0; s < expected.length; s++) {
    for (let m = 0; m < MAP_COUNT; m++) probe.mapped[s * MAP_COUNT + m] = mapScale[m]! * expected[s]! + mapOffset[m]!;
  }
}

/** Work counters for benchmarks and tests (samples compared). */
export const scoreStats = { coarseSamples: 0, exactSamples: 0 };

/** Sample tallies of the last scoring call (module scratch: scoring is synchronous). */
const matches = new Int32Array(MAP_COUNT);
const tally = { fg: 0, bg: 0, inFrame: 0, samples: 0 };
/** Per cell of the exact scorer: samples on foreground or background, and matches per map. */
const cellCounted = new Int32Array(CELLS * CELLS);
const cellMatches = new Int32Array(CELLS * CELLS * MAP_COUNT);
/** A part of the template whose samples match at this rate is visible (not hidden by an unknown occluder). */
const VISIBLE_CELL_RATE = 0.7;
const STRICT_TOLERANCE = 1.25;
const strictMatches = new Int32Array(MAP_COUNT);

/**
 * Coarse score of the probe's size at (left, top); -Infinity when rejected early: more than 8
 * of the first 16 samples unmatched, or (branch and bound) the score could no longer exceed
 * `beat` even if every remaining sample matched.
 */
export function coarseScore(scene: Scene, probe: CoarseProbe, left: number, top: number, beat = -Infinity): number {
  const { lum, foreground, width: W, height: H } = scene.analysis;
  const explained = scene.explained;
  const { dx, dy, mapped } = probe;
  const t0 = coarseTolerance[0]!;
  const t1 = coarseTolerance[1]!;
  const t2 = coarseTolerance[2]!;
  const t3 = coarseTolerance[3]!;
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  let m3 = 0;
  let fg = 0;
  let bg = 0;
  let inFrame = 0;
  const n = dx.length;
  const areaPerSample = (probe.width * probe.height * probe.template.fill) / Math.max(1, n);
  for (let s = 0; s < n; s++) {
    if ((s & 7) === 0 && s > 0) {
      const most = Math.max(m0, m1, m2, m3);
      if ((s === 16 && fg + bg - most > EARLY16) || (s === 8 && fg + bg - most > EARLY8) || areaPerSample * (2.5 * most - 1.5 * fg - 3 * bg + (n - s)) <= beat) {
        scoreStats.coarseSamples += s;
        return -Infinity;
      }
    }
    const x = left + dx[s]!;
    const y = top + dy[s]!;
    if (x < 0 || y < 0 || x >= W || y >= H) continue;
    inFrame++;
    const p = y * W + x;
    if (explained[p]) continue;
    if (!foreground[p]) {
      bg++;
      continue;
    }
    fg++;
    const o = lum[p]!;
    const q = s * 4;
    if (Math.abs(o - mapped[q]!) <= t0) m0++;
    if (Math.abs(o - mapped[q + 1]!) <= t1) m1++;
    if (Math.abs(o - mapped[q + 2]!) <= t2) m2++;
    if (Math.abs(o - mapped[q + 3]!) <= t3) m3++;
  }
  scoreStats.coarseSamples += n;
  matches[0] = m0;
  matches[1] = m1;
  matches[2] = m2;
  matches[3] = m3;
  tally.fg = fg;
  tally.bg = bg;
  tally.inFrame = inFrame;
  tally.samples = n;
  return scoreOfTally(probe.template.fill, probe.width, probe.height);
}

/** Occlusion-tolerant coarse scoring: a foreground miss may be an unknown occluder, background may not. */
export const OCCLUDED_MISS_WEIGHT = 0.6;
/**
 * Early rejection after 8, 16 and 24 samples taken spread over the template: at most this many on
 * background, at least this many matching (a 55%-visible object matches about 4, 9 and 13).
 */
const OCCLUDED_EARLY_BACKGROUND = [0, 2, 3, 4];
const OCCLUDED_EARLY_MATCHES = [0, 2, 5, 8];

/**
 * Coarse score treating foreground misses as possible occlusion by an object that is not a
 * candidate: area per sample x (match - 0.6 miss - 3 background); samples are taken in an order
 * spread over the template and rejected early when too many land on background or too few match, or (branch and bound) it cannot exceed `beat`.
 */
export function coarseScoreOccluded(scene: Scene, probe: CoarseProbe, left: number, top: number, beat = -Infinity): number {
  const { lum, foreground, width: W, height: H } = scene.analysis;
  const explained = scene.explained;
  const { dx, dy, mapped } = probe;
  const order = probe.template.coarseSpread;
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  let m3 = 0;
  let fg = 0;
  let bg = 0;
  const n = dx.length;
  const areaPerSample = (probe.width * probe.height * probe.template.fill) / Math.max(1, n);
  for (let r = 0; r < n; r++) {
    if ((r & 7) === 0 && r > 0) {
      const most = Math.max(m0, m1, m2, m3);
      const early = r <= 24 && (bg > OCCLUDED_EARLY_BACKGROUND[r >> 3]! || most < OCCLUDED_EARLY_MATCHES[r >> 3]!);
      if (early || areaPerSample * (most - OCCLUDED_MISS_WEIGHT * (fg - most) - 3 * bg + (n - r)) <= beat) {
        scoreStats.coarseSamples += r;
        return -Infinity;
      }
    }
    const s = order[r]!;
    const x = left + dx[s]!;
    const y = top + dy[s]!;
    if (x < 0 || y < 0 || x >= W || y >= H) continue;
    const p = y * W + x;
    if (explained[p]) continue;
    if (!foreground[p]) {
      bg++;
      continue;
    }
    fg++;
    const o = lum[p]!;
    const q = s * 4;
    if (Math.abs(o - mapped[q]!) <= coarseTolerance[0]!) m0++;
    if (Math.abs(o - mapped[q + 1]!) <= coarseTolerance[1]!) m1++;
    if (Math.abs(o - mapped[q + 2]!) <= coarseTolerance[2]!) m2++;
    if (Math.abs(o - mapped[q + 3]!) <= coarseTolerance[3]!) m3++;
  }
  scoreStats.coarseSamples += n;
  const most = Math.max(m0, m1, m2, m3);
  return areaPerSample * (most - OCCLUDED_MISS_WEIGHT * (fg - most) - 3 * bg);
}

function bestMap(): number {
  let map = 0;
  for (let m = 1; m < MAP_COUNT; m++) if (matches[m]! > matches[map]!) map = m;
  return map;
}

function scoreOfTally(fill: number, width: number, height: number): number {
  const match = matches[bestMap()]!;
  const miss = tally.fg - match;
  return ((width * height * fill) / Math.max(1, tally.samples)) * (match - 1.5 * miss - 3 * tally.bg);
}

function hypothesisOfTally(fill: number, rect: Rect, cells: boolean): Hypothesis {
  const map = bestMap();
  const match = matches[map]!;
  const miss = tally.fg - match;
  const net = match - 1.5 * miss - 3 * tally.bg;
  const counted = match + miss + tally.bg;
  const precision = counted > 0 ? match / counted : 0;
  const visible = tally.inFrame > 0 ? match / tally.inFrame : 0;
  let tight = precision;
  let claimed = visible;
  if (cells) {
    let visibleMatches = 0;
    let visibleCounted = 0;
    for (let c = 0; c < CELLS * CELLS; c++) {
      const n = cellCounted[c]!;
      const m = cellMatches[c * MAP_COUNT + map]!;
      if (n < 3 || m < VISIBLE_CELL_RATE * n) continue;
      visibleMatches += m;
      visibleCounted += n;
    }
    tight = visibleCounted > 0 ? visibleMatches / visibleCounted : 0;
    claimed = tally.inFrame > 0 ? visibleMatches / tally.inFrame : 0;
  }
  return {
    key: rect.key,
    left: rect.left,
    top: rect.top,
    width: rect.width,
    height: rect.height,
    corner: rect.corner,
    map,
    score: ((rect.width * rect.height * fill) / Math.max(1, tally.samples)) * net,
    precision,
    fit: tally.inFrame > 0 ? net / tally.inFrame : -Infinity,
    visible,
    tight,
    claimed,
    strict: cells && match > 0 ? strictMatches[map]! / match : 1,
    background: tally.inFrame > 0 ? tally.bg / tally.inFrame : 1,
  };
}

/** The full coarse hypothesis at the probe's size (for the few rects the search keeps). */
export function coarseHypothesis(scene: Scene, probe: CoarseProbe, left: number, top: number, corner: number): Hypothesis {
  const rect = { key: probe.template.key, left, top, width: probe.width, height: probe.height, corner };
  if (coarseScore(scene, probe, left, top) === -Infinity) return { ...rejected, ...rect };
  return hypothesisOfTally(probe.template.fill, rect, false);
}

/** Dense sample offsets and exact expected luminance (NaN: a bilinear tap is not opaque). */
interface ExactSamples {
  readonly di: Int32Array;
  readonly dj: Int32Array;
  readonly expected: Float32Array;
}

function exactSamples(scene: Scene, tpl: SpriteTemplate, sprite: Sprite, width: number, height: number): ExactSamples {
  const cacheKey = `${tpl.key}:${width}x${height}`;
  const cached = scene.exactSamples.get(cacheKey);
  if (cached) return cached;
  const n = tpl.u.length;
  const di = new Int32Array(n);
  const dj = new Int32Array(n);
  const expected = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    di[k] = Math.floor(tpl.u[k]! * width);
    dj[k] = Math.floor(tpl.v[k]! * height);
    expected[k] = expectedLuminance(sprite, width, height, di[k]!, dj[k]!);
  }
  const samples = { di, dj, expected };
  scene.exactSamples.set(cacheKey, samples);
  return samples;
}

/** Exact score of `rect` over every `stride`-th dense sample. */
export function exactScore(scene: Scene, tpl: SpriteTemplate, sprite: Sprite, rect: Rect, stride = 1): Hypothesis {
  const { lum, foreground, width: W, height: H } = scene.analysis;
  const explained = scene.explained;
  const { di, dj, expected } = exactSamples(scene, tpl, sprite, rect.width, rect.height);
  const cellOf = tpl.cell;
  matches.fill(0);
  cellCounted.fill(0);
  cellMatches.fill(0);
  strictMatches.fill(0);
  let fg = 0;
  let bg = 0;
  let used = 0;
  for (let k = 0; k < di.length; k += stride) {
    const x = rect.left + di[k]!;
    const y = rect.top + dj[k]!;
    if (x < 0 || y < 0 || x >= W || y >= H) continue;
    const e = expected[k]!;
    if (e !== e) continue;
    used++;
    const p = y * W + x;
    if (explained[p]) continue;
    const c = cellOf[k]!;
    cellCounted[c]!++;
    if (!foreground[p]) {
      bg++;
      continue;
    }
    fg++;
    const o = lum[p]!;
    for (let m = 0; m < MAP_COUNT; m++) {
      const d = Math.abs(o - (mapScale[m]! * e + mapOffset[m]!));
      if (d <= EXACT_TOLERANCE) {
        matches[m]!++;
        if (d <= STRICT_TOLERANCE) strictMatches[m]!++;
        cellMatches[c * MAP_COUNT + m]!++;
      }
    }
  }
  scoreStats.exactSamples += di.length / stride;
  tally.fg = fg;
  tally.bg = bg;
  tally.inFrame = used;
  tally.samples = used;
  return hypothesisOfTally(tpl.fill, rect, true);
}
