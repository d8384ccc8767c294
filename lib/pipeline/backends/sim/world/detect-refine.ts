import { luminanceMaps } from "./colour";
import { exactScore, OCCLUDED_MISS_WEIGHT, type Hypothesis, type Scene } from "./detect-score";
import { scaledLuminance, spriteTemplate } from "./templates";

/**
 * Full-resolution refinement of a coarse hypothesis (height scan around its anchored corner,
 * then position/height jitter, judged by the area-neutral fit and exactness; for an object hidden
 * by unknown foreground, with misses weighted as possible occlusion), and marking the pixels an
 * accepted detection explains so the objects behind it see them as neutral occlusion.
 *
 * Exports: refine, refineWide, markExplained.
 */

function anchored(corner: number, x0: number, y0: number, x1: number, y1: number, width: number, height: number): { left: number; top: number } {
  return { left: corner & 1 ? x1 + 1 - width : x0, top: corner & 2 ? y1 + 1 - height : y0 };
}

/**
 * Refinement's objective: the area-neutral fit, plus the share of samples matching within rounding
 * (several rects a pixel apart fit within the match tolerance; only the drawn one fits exactly).
 */
function standardQuality(h: Hypothesis): number {
  return h.fit + 0.5 * h.strict * h.visible;
}

/** As `standardQuality`, with foreground misses weighted as possible occlusion (OCCLUDED_MISS_WEIGHT). */
function occludedQuality(h: Hypothesis): number {
  if (h.precision <= 0) return -Infinity;
  const miss = h.visible / h.precision - h.visible - h.background;
  return h.visible - OCCLUDED_MISS_WEIGHT * miss - 3 * h.background + 0.5 * h.strict * h.visible;
}

/**
 * `refine` with a wider height scan (+-10%, each height anchored at every corner): for a
 * hypothesis that fits within the tolerance but not exactly, the coarse rect may be several
 * pixels off; a wrong template stays inexact wherever it is put.
 */
export function refineWide(scene: Scene, start: Hypothesis, occluded = false): Hypothesis {
  const quality = occluded ? occludedQuality : standardQuality;
  const sprite = scene.library.spriteByKey(start.key);
  const tpl = spriteTemplate(scene.library, start.key);
  const x1 = start.left + start.width - 1;
  const y1 = start.top + start.height - 1;
  let best = start;
  const span = Math.max(3, Math.ceil(start.height * 0.1));
  for (let dh = -span; dh <= span; dh++) {
    const height = start.height + dh;
    if (height < 8) continue;
    const width = Math.max(1, Math.round(height * tpl.aspect));
    for (let corner = 0; corner < 4; corner++) {
      const { left, top } = anchored(corner, start.left, start.top, x1, y1, width, height);
      const hypothesis = exactScore(scene, tpl, sprite, { key: start.key, left, top, width, height, corner }, 2);
      if (quality(hypothesis) > quality(best)) best = hypothesis;
    }
  }
  return refine(scene, best, occluded);
}

export function refine(scene: Scene, start: Hypothesis, occluded = false): Hypothesis {
  const quality = occluded ? occludedQuality : standardQuality;
  const sprite = scene.library.spriteByKey(start.key);
  const tpl = spriteTemplate(scene.library, start.key);
  const widthOf = (height: number) => Math.max(1, Math.round(height * tpl.aspect));
  const x1 = start.left + start.width - 1;
  const y1 = start.top + start.height - 1;
  let best = exactScore(scene, tpl, sprite, start, 2);
  const span = Math.max(2, Math.ceil(start.height * 0.035));
  for (let dh = -span; dh <= span; dh++) {
    const height = start.height + dh;
    if (dh === 0 || height < 8) continue;
    const width = widthOf(height);
    const { left, top } = anchored(start.corner, start.left, start.top, x1, y1, width, height);
    const hypothesis = exactScore(scene, tpl, sprite, { key: start.key, left, top, width, height, corner: start.corner }, 2);
    if (quality(hypothesis) > quality(best)) best = hypothesis;
  }
  for (let pass = 0; pass < 3; pass++) {
    let improved = false;
    const centre = best;
    const lowest = pass === 0 ? 0 : -1;
    const highest = pass === 0 ? 0 : 1;
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        for (let dh = lowest; dh <= highest; dh++) {
          if (dx === 0 && dy === 0 && dh === 0) continue;
          const height = centre.height + dh;
          const rect = { key: start.key, left: centre.left + dx, top: centre.top + dy, width: widthOf(height), height, corner: centre.corner };
          const hypothesis = exactScore(scene, tpl, sprite, rect, 2);
          if (quality(hypothesis) > quality(best)) {
            best = hypothesis;
            improved = true;
          }
        }
      }
    }
    if (!improved) break;
  }
  return exactScore(scene, tpl, sprite, best, 1);
}

/** Mark the pixels a detection explains: its sprite's edge pixels and interior pixels it matches. */
export function markExplained(scene: Scene, hypothesis: Hypothesis): void {
  const { lum, foreground, width: W, height: H } = scene.analysis;
  const scaled = scaledLuminance(scene.library.spriteByKey(hypothesis.key), hypothesis.width, hypothesis.height);
  const map = luminanceMaps[hypothesis.map]!;
  const explained = scene.explained;
  for (let j = 0; j < hypothesis.height; j++) {
    const y = hypothesis.top + j;
    if (y < 0 || y >= H) continue;
    for (let i = 0; i < hypothesis.width; i++) {
      const x = hypothesis.left + i;
      if (x < 0 || x >= W) continue;
      const s = j * hypothesis.width + i;
      const a = scaled.alpha[s]!;
      if (a === 0) continue;
      const p = y * W + x;
      if (!foreground[p] || explained[p]) continue;
      if (a < 255 || Math.abs(lum[p]! - (scaled.lum[s]! * map.scale + map.offset)) <= 10) explained[p] = 1;
    }
  }
}
