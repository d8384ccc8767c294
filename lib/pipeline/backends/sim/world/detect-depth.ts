import { luminanceMaps } from "./colour";
import { scaledLuminance } from "./templates";
import type { Hypothesis, Scene } from "./detect-score";
import type { Found } from "./detect-peel";
import { depthOfGroundY, type WorldStyle } from "./world";

/**
 * Depth of each detection: from its ground contact row via the perspective law; an object whose
 * base rests on another's top shares its support's depth; an object with clear ground (no
 * contact shadow) under its base floats, and its depth comes from the shadow found below it.
 * Where two detections overlap, the one whose template explains the shared pixels is in front;
 * a contradicting perspective depth is clamped to the occluded object's depth.
 *
 * Exports: depthsOf.
 */

/** Which of two overlapping detections is in front: the one whose template explains the shared pixels. */
function frontOf(scene: Scene, a: Hypothesis, b: Hypothesis): Hypothesis | null {
  const x0 = Math.max(a.left, b.left);
  const y0 = Math.max(a.top, b.top);
  const x1 = Math.min(a.left + a.width, b.left + b.width);
  const y1 = Math.min(a.top + a.height, b.top + b.height);
  if (x1 <= x0 || y1 <= y0) return null;
  const { lum, width: W, height: H } = scene.analysis;
  const pa = scaledLuminance(scene.library.spriteByKey(a.key), a.width, a.height);
  const pb = scaledLuminance(scene.library.spriteByKey(b.key), b.width, b.height);
  const ma = luminanceMaps[a.map]!;
  const mb = luminanceMaps[b.map]!;
  let votesA = 0;
  let votesB = 0;
  for (let y = Math.max(0, y0); y < Math.min(H, y1); y += 2) {
    for (let x = Math.max(0, x0); x < Math.min(W, x1); x += 2) {
      const sa = (y - a.top) * a.width + (x - a.left);
      const sb = (y - b.top) * b.width + (x - b.left);
      if (pa.alpha[sa] !== 255 || pb.alpha[sb] !== 255) continue;
      const o = lum[y * W + x]!;
      const ea = pa.lum[sa]! * ma.scale + ma.offset;
      const eb = pb.lum[sb]! * mb.scale + mb.offset;
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

export function depthsOf(scene: Scene, found: readonly Found[], style: WorldStyle): number[] {
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
      const restsOnTop = base >= s.y0 - 3 && base - s.y0 <= sHeight / 3 && cx > s.x0 && cx < s.x1 + 1 && base < s.y1 && (a.y0 + a.y1) / 2 < (s.y0 + s.y1) / 2;
      if (!restsOnTop) continue;
      const behindSupport = ha && hs ? frontOf(scene, ha, hs) === hs : false;
      if (!behindSupport) {
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
  return depths;
}
