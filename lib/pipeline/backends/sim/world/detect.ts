import type { RasterImage } from "../../../image/raster";
import type { Box } from "../../../scene-graph/schema";
import type { ColourName } from "../../../scene-graph/vocabulary";
import { colourNames, luminance, luminanceMap as luminanceMapOf, luminanceMaps, recolourRgb } from "./colour";
import { analysePixels, connectedComponents, type Component, type PixelAnalysis } from "./foreground";
import { mipFor, type Sprite, type SpriteLibrary } from "./sprite-library";
import { expectedLuminance, spriteTemplate, type SpriteTemplate } from "./templates";
import { depthOfGroundY, type WorldStyle } from "./world";

/**
 * The sim Checker's eyes: finds objects in an image using only its pixels, the candidate labels
 * and the world's constant knowledge (sprite library templates, background palette, perspective
 * law). It never receives a layout, ids or any per-image hidden state.
 *
 * Pipeline:
 * 1. Foreground mask: pixels the known sky/ground gradient cannot explain, allowing for shadows
 *    (ground darkened by one uniform factor). Connected components, grouped when nearly touching.
 * 2. Peeling per group: hypotheses (label, rect) anchored at a corner of the unexplained part's
 *    bounding box, over a geometric series of heights; scored on luminance at template sample
 *    points (recolour-invariant: a colour changes luminance by a known affine map) with penalties
 *    for samples on background. Front objects are fully visible, so they explain most pixels and
 *    win first; their pixels are then marked explained and count as neutral occlusion for the
 *    objects behind. The best hypotheses are refined at full resolution against the exact
 *    luminance the renderer's scaling contract predicts; the best refined one is accepted.
 *    Unexplained blobs of >= 400 px become label "object".
 * 3. Depth: from the base row via the perspective law; an object whose base rests on another's
 *    top shares its support's depth; an object with clear ground (no contact shadow) under its
 *    base floats, and its depth comes from the shadow found below it. Where two detections
 *    overlap, the one whose template explains the shared pixels is in front; a contradicting
 *    perspective depth is clamped to the occluded object's depth.
 * 4. Colour: if the pixels equal the sprite's own colours, the sprite's natural colour name;
 *    otherwise the vocabulary colour whose recolouring reproduces them best.
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

interface Hypothesis {
  key: string;
  left: number;
  top: number;
  width: number;
  height: number;
  /** Which corner of the anchoring bbox is fixed: bit 1 = right, bit 2 = bottom. */
  corner: number;
  map: number;
  score: number;
  precision: number;
  visible: number;
  /** (match - 1.5 miss - 3 background) / samples in frame. */
  fit: number;
}

interface Scene {
  analysis: PixelAnalysis;
  explained: Uint8Array;
  library: SpriteLibrary;
}

const MIN_BLOB = 80;
const UNKNOWN_BLOB = 400;
const MAP_COUNT = luminanceMaps.length;

function coarseTolerance(map: number): number {
  return 3 + 9 * Math.max(0.35, luminanceMaps[map]!.scale);
}

const rejected: Hypothesis = { key: "", left: 0, top: 0, width: 0, height: 0, corner: 0, map: 0, score: -Infinity, precision: 0, visible: 0, fit: -Infinity };

/** Coarse score: template samples at the level's precomputed luminance. */
function coarseScore(scene: Scene, tpl: SpriteTemplate, sprite: Sprite, left: number, top: number, width: number, height: number, corner: number): Hypothesis {
  const { lum, foreground, width: W, height: H } = scene.analysis;
  const explained = scene.explained;
  const levelIndex = sprite.mips.indexOf(mipFor(sprite, height));
  const expected = tpl.levelLum[levelIndex]!;
  const matches = new Int32Array(MAP_COUNT);
  let fg = 0;
  let bg = 0;
  let inFrame = 0;
  const coarse = tpl.coarse;
  for (let s = 0; s < coarse.length; s++) {
    if (s === 16) {
      let most = 0;
      for (let m = 0; m < MAP_COUNT; m++) if (matches[m]! > most) most = matches[m]!;
      if (fg + bg - most > 8) return rejected;
    }
    const k = coarse[s]!;
    const x = left + Math.floor(tpl.u[k]! * width);
    const y = top + Math.floor(tpl.v[k]! * height);
    if (x < 0 || y < 0 || x >= W || y >= H) continue;
    inFrame++;
    const p = y * W + x;
    if (explained[p]) continue;
    if (!foreground[p]) {
      bg++;
      continue;
    }
    fg++;
    const e = expected[k]!;
    const o = lum[p]!;
    for (let m = 0; m < MAP_COUNT; m++) {
      const map = luminanceMaps[m]!;
      if (Math.abs(o - (map.scale * e + map.offset)) <= coarseTolerance(m)) matches[m]!++;
    }
  }
  return finish(tpl, tpl.coarse.length, matches, fg, bg, inFrame, { key: tpl.key, left, top, width, height, corner });
}

function finish(
  tpl: SpriteTemplate,
  sampleCount: number,
  matches: Int32Array,
  fg: number,
  bg: number,
  inFrame: number,
  rect: Pick<Hypothesis, "key" | "left" | "top" | "width" | "height" | "corner">,
): Hypothesis {
  let map = 0;
  for (let m = 1; m < MAP_COUNT; m++) if (matches[m]! > matches[map]!) map = m;
  const match = matches[map]!;
  const miss = fg - match;
  const areaPerSample = (rect.width * rect.height * tpl.fill) / Math.max(1, sampleCount);
  const counted = match + miss + bg;
  return {
    ...rect,
    map,
    score: areaPerSample * (match - 1.5 * miss - 3 * bg),
    precision: counted > 0 ? match / counted : 0,
    fit: inFrame > 0 ? (match - 1.5 * miss - 3 * bg) / inFrame : -Infinity,
    visible: inFrame > 0 ? match / inFrame : 0,
  };
}

/** Exact score: dense samples at the luminance the renderer's scaling contract predicts. */
export const stats = { coarse: 0, exact: 0 };

function exactScore(scene: Scene, tpl: SpriteTemplate, sprite: Sprite, left: number, top: number, width: number, height: number, corner: number, stride = 1): Hypothesis {
  stats.exact++;
  const { lum, foreground, width: W, height: H } = scene.analysis;
  const explained = scene.explained;
  const matches = new Int32Array(MAP_COUNT);
  let fg = 0;
  let bg = 0;
  let inFrame = 0;
  let used = 0;
  for (let k = 0; k < tpl.u.length; k += stride) {
    const i = Math.floor(tpl.u[k]! * width);
    const j = Math.floor(tpl.v[k]! * height);
    const x = left + i;
    const y = top + j;
    if (x < 0 || y < 0 || x >= W || y >= H) continue;
    const e = expectedLuminance(sprite, width, height, i, j);
    if (Number.isNaN(e)) continue;
    used++;
    inFrame++;
    const p = y * W + x;
    if (explained[p]) continue;
    if (!foreground[p]) {
      bg++;
      continue;
    }
    fg++;
    const o = lum[p]!;
    for (let m = 0; m < MAP_COUNT; m++) {
      const map = luminanceMaps[m]!;
      if (Math.abs(o - (map.scale * e + map.offset)) <= 3.5) matches[m]!++;
    }
  }
  return finish(tpl, used, matches, fg, bg, inFrame, { key: tpl.key, left, top, width, height, corner });
}

function anchored(corner: number, x0: number, y0: number, x1: number, y1: number, width: number, height: number): { left: number; top: number } {
  return { left: corner & 1 ? x1 + 1 - width : x0, top: corner & 2 ? y1 + 1 - height : y0 };
}

interface Bounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

type Side = "top" | "bottom" | "left" | "right";

interface Anchor {
  side: Side;
  x: number;
  y: number;
}

/** Local extrema of the blob's top/bottom/left/right contours: where some object's extreme point shows. */
function contourAnchors(blob: Component, width: number): Anchor[] {
  const bw = blob.x1 - blob.x0 + 1;
  const bh = blob.y1 - blob.y0 + 1;
  const top = new Int32Array(bw).fill(1 << 30);
  const bottom = new Int32Array(bw).fill(-1);
  const left = new Int32Array(bh).fill(1 << 30);
  const right = new Int32Array(bh).fill(-1);
  for (const p of blob.pixels) {
    const x = p % width;
    const y = (p - x) / width;
    const i = x - blob.x0;
    const j = y - blob.y0;
    if (y < top[i]!) top[i] = y;
    if (y > bottom[i]!) bottom[i] = y;
    if (x < left[j]!) left[j] = x;
    if (x > right[j]!) right[j] = x;
  }
  const anchors: Anchor[] = [];
  const extrema = (values: Int32Array, better: (a: number, b: number) => boolean, valid: (v: number) => boolean, emit: (index: number, value: number) => void) => {
    const radius = 8;
    const found: { index: number; value: number }[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!valid(v)) continue;
      let extreme = true;
      for (let d = -radius; d <= radius && extreme; d++) {
        const w = values[i + d];
        if (w !== undefined && valid(w) && better(w, v)) extreme = false;
      }
      if (!extreme) continue;
      const last = found[found.length - 1];
      if (last && last.value === v && i - last.index <= radius) continue;
      let end = i;
      while (end + 1 < values.length && values[end + 1] === v) end++;
      found.push({ index: Math.round((i + end) / 2), value: v });
    }
    found.sort((a, b) => (better(a.value, b.value) ? -1 : better(b.value, a.value) ? 1 : 0));
    for (const f of found.slice(0, 2)) emit(f.index, f.value);
  };
  extrema(top, (a, b) => a < b, (v) => v < 1 << 30, (i, v) => anchors.push({ side: "top", x: blob.x0 + i, y: v }));
  extrema(bottom, (a, b) => a > b, (v) => v >= 0, (i, v) => anchors.push({ side: "bottom", x: blob.x0 + i, y: v }));
  extrema(left, (a, b) => a < b, (v) => v < 1 << 30, (j, v) => anchors.push({ side: "left", x: v, y: blob.y0 + j }));
  extrema(right, (a, b) => a > b, (v) => v >= 0, (j, v) => anchors.push({ side: "right", x: v, y: blob.y0 + j }));
  return anchors;
}

/** The blob is exactly one whole, unoccluded object: try its bounding box as the rect for each key. */
function wholeBlob(scene: Scene, keys: string[], blob: Bounds): Hypothesis | undefined {
  const blobWidth = blob.x1 - blob.x0 + 1;
  const blobHeight = blob.y1 - blob.y0 + 1;
  let best: Hypothesis | undefined;
  for (const key of keys) {
    const tpl = spriteTemplate(scene.library, key);
    const width = Math.max(1, Math.round(blobHeight * tpl.aspect));
    if (Math.abs(width - blobWidth) > Math.max(3, blobWidth * 0.05)) continue;
    const hypothesis = exactScore(scene, tpl, scene.library.spriteByKey(key), blob.x0, blob.y0, width, blobHeight, 0, 2);
    if (hypothesis.precision >= 0.9 && hypothesis.visible >= 0.85 && (!best || hypothesis.score > best.score)) best = hypothesis;
  }
  return best;
}

/** Anchored coarse search over labels, heights and anchors; best hypothesis per key, best first. */
function searchBlob(scene: Scene, keys: string[], blob: Component, group: Bounds): Hypothesis[] {
  const bestPerKey: Hypothesis[] = [];
  const groupWidth = group.x1 - group.x0 + 1;
  const groupHeight = group.y1 - group.y0 + 1;
  const anchors = contourAnchors(blob, scene.analysis.width);
  for (const key of keys) {
    const sprite = scene.library.spriteByKey(key);
    const tpl = spriteTemplate(scene.library, key);
    let best: Hypothesis | undefined;
    const consider = (left: number, top: number, width: number, height: number, corner: number) => {
      if (left < group.x0 - 3 || top < group.y0 - 3 || left + width > group.x1 + 4 || top + height > group.y1 + 4) return;
      stats.coarse++;
      const hypothesis = coarseScore(scene, tpl, sprite, left, top, width, height, corner);
      if (!best || hypothesis.score > best.score) best = hypothesis;
    };
    const maxHeight = Math.min(groupHeight + 2, (groupWidth + 2) / tpl.aspect);
    for (let height = 16; height <= maxHeight; height = Math.max(height + 1, Math.round(height * 1.07))) {
      const width = Math.max(1, Math.round(height * tpl.aspect));
      for (let corner = 0; corner < 4; corner++) {
        const { left, top } = anchored(corner, blob.x0, blob.y0, blob.x1, blob.y1, width, height);
        consider(left, top, width, height, corner);
      }
      for (const anchor of anchors) {
        const horizontal = anchor.side === "top" || anchor.side === "bottom";
        const [lo, hi] = tpl.extremes[anchor.side];
        const extent = horizontal ? width : height;
        const from = (horizontal ? anchor.x : anchor.y) - hi * extent;
        const to = (horizontal ? anchor.x : anchor.y) - lo * extent;
        const step = Math.max(3, extent * 0.08);
        for (let t = from; t <= to + 0.5; t += step) {
          const free = Math.round(t);
          if (anchor.side === "top") consider(free, anchor.y, width, height, 0);
          else if (anchor.side === "bottom") consider(free, anchor.y + 1 - height, width, height, 2);
          else if (anchor.side === "left") consider(anchor.x, free, width, height, 0);
          else consider(anchor.x + 1 - width, free, width, height, 1);
        }
      }
    }
    // Every rect of this key was rejected early: no hypothesis (the shared `rejected` has no key).
    if (best && best !== rejected && Number.isFinite(best.score)) bestPerKey.push(best);
  }
  return bestPerKey.sort((a, b) => b.score - a.score);
}

/** Full-resolution refinement: height scan around the anchored corner, then position jitter. */
/** Fit quality of one key at nearby rects: net matching fraction (area-neutral, unlike `score`). */
function fit(h: Hypothesis): number {
  return h.fit;
}

function refine(scene: Scene, start: Hypothesis): Hypothesis {
  const sprite = scene.library.spriteByKey(start.key);
  const tpl = spriteTemplate(scene.library, start.key);
  const x1 = start.left + start.width - 1;
  const y1 = start.top + start.height - 1;
  let best = exactScore(scene, tpl, sprite, start.left, start.top, start.width, start.height, start.corner, 2);
  const span = Math.max(2, Math.ceil(start.height * 0.035));
  for (let dh = -span; dh <= span; dh++) {
    if (dh === 0) continue;
    const height = start.height + dh;
    if (height < 8) continue;
    const width = Math.max(1, Math.round(height * tpl.aspect));
    const { left, top } = anchored(start.corner, start.left, start.top, x1, y1, width, height);
    const hypothesis = exactScore(scene, tpl, sprite, left, top, width, height, start.corner, 2);
    if (fit(hypothesis) > fit(best)) best = hypothesis;
  }
  for (let pass = 0; pass < 3; pass++) {
    let improved = false;
    const centre = best;
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        for (const dh of pass === 0 ? [0] : [-1, 0, 1]) {
          if (dx === 0 && dy === 0 && dh === 0) continue;
          const height = centre.height + dh;
          const width = Math.max(1, Math.round(height * tpl.aspect));
          const hypothesis = exactScore(scene, tpl, sprite, centre.left + dx, centre.top + dy, width, height, centre.corner, 2);
          if (fit(hypothesis) > fit(best)) {
            best = hypothesis;
            improved = true;
          }
        }
      }
    }
    if (!improved) break;
  }
  return exactScore(scene, tpl, sprite, best.left, best.top, best.width, best.height, best.corner, 1);
}

/** Mark the pixels a detection explains: its sprite's edge pixels and interior pixels it matches. */
function markExplained(scene: Scene, hypothesis: Hypothesis): void {
  const { lum, foreground, width: W, height: H } = scene.analysis;
  const pixels = scene.library.scaledSprite(hypothesis.key, hypothesis.width, hypothesis.height);
  const map = luminanceMaps[hypothesis.map]!;
  for (let j = 0; j < hypothesis.height; j++) {
    const y = hypothesis.top + j;
    if (y < 0 || y >= H) continue;
    for (let i = 0; i < hypothesis.width; i++) {
      const x = hypothesis.left + i;
      if (x < 0 || x >= W) continue;
      const s = (j * hypothesis.width + i) * 4;
      const a = pixels[s + 3]!;
      if (a === 0) continue;
      const p = y * W + x;
      if (!foreground[p] || scene.explained[p]) continue;
      if (a < 255) {
        scene.explained[p] = 1;
        continue;
      }
      const e = luminance(pixels[s]!, pixels[s + 1]!, pixels[s + 2]!) * map.scale + map.offset;
      if (Math.abs(lum[p]! - e) <= 10) scene.explained[p] = 1;
    }
  }
}

function groupComponents(components: Component[]): Component[][] {
  const parent = components.map((_, index) => index);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let a = 0; a < components.length; a++) {
    for (let b = a + 1; b < components.length; b++) {
      const ca = components[a]!;
      const cb = components[b]!;
      if (ca.x0 - 3 <= cb.x1 && cb.x0 - 3 <= ca.x1 && ca.y0 - 3 <= cb.y1 && cb.y0 - 3 <= ca.y1) parent[find(a)] = find(b);
    }
  }
  const groups = new Map<number, Component[]>();
  components.forEach((component, index) => {
    const root = find(index);
    groups.set(root, [...(groups.get(root) ?? []), component]);
  });
  return [...groups.values()];
}

interface Found {
  hypothesis: Hypothesis | null;
  bounds: Bounds;
  score: number;
}

function peelGroup(scene: Scene, keys: string[], group: Component[], scratch: Int32Array, work: Uint8Array): Found[] {
  const { width: W, height: H } = scene.analysis;
  const bounds: Bounds = {
    x0: Math.min(...group.map((c) => c.x0)),
    y0: Math.min(...group.map((c) => c.y0)),
    x1: Math.max(...group.map((c) => c.x1)),
    y1: Math.max(...group.map((c) => c.y1)),
  };
  const all: number[] = [];
  for (const component of group) for (const p of component.pixels) all.push(p);
  const found: Found[] = [];
  for (let iteration = 0; iteration < 16; iteration++) {
    const residual = all.filter((p) => !scene.explained[p]);
    if (residual.length < MIN_BLOB) break;
    for (const p of residual) work[p] = 1;
    const blobs = connectedComponents(work, W, H, residual, scratch, MIN_BLOB).sort((a, b) => b.pixels.length - a.pixels.length);
    for (const p of residual) work[p] = 0;
    if (blobs.length === 0) break;
    let best: Hypothesis | undefined = wholeBlob(scene, keys, blobs[0]!);
    if (best) best = refine(scene, best);
    for (const blob of best ? [] : blobs.slice(0, 1)) {
      const ranked = searchBlob(scene, keys, blob, bounds);
      const top = ranked[0];
      if (!top) continue;
      for (const candidate of ranked.slice(0, 3)) {
        if (candidate.score < top.score * 0.5 && candidate !== top) break;
        const refined = refine(scene, candidate);
        if (!best || refined.score > best.score) best = refined;
      }
    }
    if (best && best.precision >= 0.5 && best.visible >= 0.3 && best.score > 0) {
      markExplained(scene, best);
      found.push({ hypothesis: best, bounds: { x0: best.left, y0: best.top, x1: best.left + best.width - 1, y1: best.top + best.height - 1 }, score: best.precision });
      continue;
    }
    const blob = blobs[0]!;
    for (const p of blob.pixels) scene.explained[p] = 1;
    if (blob.pixels.length >= UNKNOWN_BLOB) found.push({ hypothesis: null, bounds: blob, score: 0.2 });
  }
  return found;
}

const colourMapIndex = (colour: ColourName): number => luminanceMaps.indexOf(luminanceMapOf(colour));

/** Natural colours when the pixels are the sprite's own; else the best-reproducing vocabulary colour. */
function nameColour(image: RasterImage, scene: Scene, hypothesis: Hypothesis): ColourName {
  const sprite = scene.library.spriteByKey(hypothesis.key);
  const tpl = spriteTemplate(scene.library, hypothesis.key);
  const level = mipFor(sprite, hypothesis.height);
  const map = luminanceMaps[hypothesis.map]!;
  const colours = colourNames.filter((colour) => colourMapIndex(colour) === hypothesis.map);
  const errors = new Float64Array(colours.length);
  let natural = 0;
  let used = 0;
  const rgb = [0, 0, 0];
  const out = [0, 0, 0];
  const { width: W, height: H } = scene.analysis;
  for (let k = 0; k < tpl.u.length; k++) {
    const i = Math.floor(tpl.u[k]! * hypothesis.width);
    const j = Math.floor(tpl.v[k]! * hypothesis.height);
    const x = hypothesis.left + i;
    const y = hypothesis.top + j;
    if (x < 0 || y < 0 || x >= W || y >= H) continue;
    const e = expectedLuminance(sprite, hypothesis.width, hypothesis.height, i, j);
    if (Number.isNaN(e)) continue;
    const p = y * W + x;
    if (Math.abs(scene.analysis.lum[p]! - (map.scale * e + map.offset)) > 3.5) continue;
    sampleRgb(level, (i + 0.5) * (level.width / hypothesis.width) - 0.5, (j + 0.5) * (level.height / hypothesis.height) - 0.5, rgb);
    const r = image.data[p * 4]!;
    const g = image.data[p * 4 + 1]!;
    const b = image.data[p * 4 + 2]!;
    natural += Math.abs(rgb[0]! - r) + Math.abs(rgb[1]! - g) + Math.abs(rgb[2]! - b);
    colours.forEach((colour, index) => {
      recolourRgb(rgb[0]!, rgb[1]!, rgb[2]!, colour, out);
      errors[index]! += Math.abs(out[0]! - r) + Math.abs(out[1]! - g) + Math.abs(out[2]! - b);
    });
    used++;
  }
  if (used === 0) return scene.library.naturalColour(hypothesis.key);
  let best = 0;
  for (let index = 1; index < colours.length; index++) if (errors[index]! < errors[best]!) best = index;
  if (hypothesis.map === 0 && natural <= errors[best]!) return scene.library.naturalColour(hypothesis.key);
  return colours[best] ?? scene.library.naturalColour(hypothesis.key);
}

function sampleRgb(level: { width: number; height: number; rgba: Uint8ClampedArray }, fx: number, fy: number, out: number[]): void {
  const x = Math.min(level.width - 1, Math.max(0, fx));
  const y = Math.min(level.height - 1, Math.max(0, fy));
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(level.width - 1, x0 + 1);
  const y1 = Math.min(level.height - 1, y0 + 1);
  const tx = x - x0;
  const ty = y - y0;
  for (let c = 0; c < 3; c++) {
    const a = level.rgba[(y0 * level.width + x0) * 4 + c]!;
    const b = level.rgba[(y0 * level.width + x1) * 4 + c]!;
    const d = level.rgba[(y1 * level.width + x0) * 4 + c]!;
    const e = level.rgba[(y1 * level.width + x1) * 4 + c]!;
    out[c] = Math.round((a * (1 - tx) + b * tx) * (1 - ty) + (d * (1 - tx) + e * tx) * ty);
  }
}

/** Which of two overlapping detections is in front: the one whose template explains the shared pixels. */
function frontOf(scene: Scene, a: Hypothesis, b: Hypothesis): Hypothesis | null {
  const x0 = Math.max(a.left, b.left);
  const y0 = Math.max(a.top, b.top);
  const x1 = Math.min(a.left + a.width, b.left + b.width);
  const y1 = Math.min(a.top + a.height, b.top + b.height);
  if (x1 <= x0 || y1 <= y0) return null;
  const { lum, width: W, height: H } = scene.analysis;
  const pa = scene.library.scaledSprite(a.key, a.width, a.height);
  const pb = scene.library.scaledSprite(b.key, b.width, b.height);
  const ma = luminanceMaps[a.map]!;
  const mb = luminanceMaps[b.map]!;
  let votesA = 0;
  let votesB = 0;
  for (let y = Math.max(0, y0); y < Math.min(H, y1); y += 2) {
    for (let x = Math.max(0, x0); x < Math.min(W, x1); x += 2) {
      const sa = ((y - a.top) * a.width + (x - a.left)) * 4;
      const sb = ((y - b.top) * b.width + (x - b.left)) * 4;
      if (pa[sa + 3] !== 255 || pb[sb + 3] !== 255) continue;
      const o = lum[y * W + x]!;
      const ea = luminance(pa[sa]!, pa[sa + 1]!, pa[sa + 2]!) * ma.scale + ma.offset;
      const eb = luminance(pb[sb]!, pb[sb + 1]!, pb[sb + 2]!) * mb.scale + mb.offset;
      const da = Math.abs(o - ea);
      const db = Math.abs(o - eb);
      if (da <= 3.5 && db > 3.5) votesA++;
      else if (db <= 3.5 && da > 3.5) votesB++;
    }
  }
  if (votesA + votesB < 4) return null;
  return votesA > votesB ? a : b;
}

/** Ground contact row: the base, unless the ground right under the base is unshadowed (floating). */
function groundRow(scene: Scene, h: Hypothesis): number {
  const { shadow, foreground, width: W, height: H } = scene.analysis;
  const base = h.top + h.height;
  const cx = Math.round(h.left + h.width / 2);
  if (cx < 0 || cx >= W || base >= H - 1) return base;
  const contact = (y: number) => {
    const p = y * W + cx;
    return shadow[p] || foreground[p];
  };
  if (contact(base) || contact(Math.min(H - 1, base + 1)) || contact(Math.min(H - 1, base + 2))) return base;
  for (let y = base + 3; y < H; y++) {
    if (!shadow[y * W + cx]) continue;
    let end = y;
    while (end + 1 < H && shadow[(end + 1) * W + cx]) end++;
    return (y + end) / 2;
  }
  return base;
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
  const scene: Scene = { analysis, explained: new Uint8Array(W * H), library };
  const scratch = new Int32Array(W * H);
  const work = new Uint8Array(W * H);
  const seeds = new Int32Array(W * H);
  for (let p = 0; p < seeds.length; p++) seeds[p] = p;
  const components = connectedComponents(analysis.foreground, W, H, seeds, scratch, 30);
  const found: Found[] = [];
  if (keys.length > 0) for (const group of groupComponents(components)) found.push(...peelGroup(scene, keys, group, scratch, work));

  const hypotheses = found.map((f) => f.hypothesis);
  const ground = found.map((f) => (f.hypothesis ? groundRow(scene, f.hypothesis) : f.bounds.y1 + 1));
  // Stacking: resolve supports first (lowest base first).
  const order = found.map((_, index) => index).sort((a, b) => found[b]!.bounds.y1 - found[a]!.bounds.y1);
  for (const index of order) {
    const a = found[index]!.bounds;
    const base = a.y1 + 1;
    const cx = (a.x0 + a.x1 + 1) / 2;
    for (const other of order) {
      if (other === index) continue;
      const s = found[other]!.bounds;
      const sHeight = s.y1 - s.y0 + 1;
      const ha = hypotheses[index];
      const hs = hypotheses[other];
      const behindSupport = ha && hs ? frontOf(scene, ha, hs) === hs : false;
      if (!behindSupport && base >= s.y0 - 3 && base - s.y0 <= sHeight / 3 && cx > s.x0 && cx < s.x1 + 1 && base < s.y1 && (a.y0 + a.y1) / 2 < (s.y0 + s.y1) / 2) {
        ground[index] = ground[other]!;
        break;
      }
    }
  }
  const depths = ground.map((row) => depthOfGroundY(row, style));
  for (let a = 0; a < hypotheses.length; a++) {
    for (let b = a + 1; b < hypotheses.length; b++) {
      const ha = hypotheses[a];
      const hb = hypotheses[b];
      if (!ha || !hb || ground[a] === ground[b]) continue;
      const front = frontOf(scene, ha, hb);
      if (!front) continue;
      const [f, back] = front === ha ? [a, b] : [b, a];
      if (depths[f]! > depths[back]!) depths[f] = depths[back]!;
    }
  }
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
