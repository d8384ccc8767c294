import { markExplained, refine, refineWide } from "./detect-refine";
import type { Hypothesis, Scene } from "./detect-score";
import { boundsOf, searchBlob, wholeBlob, type Bounds, type HeightPlan } from "./detect-search";
import { connectedComponents, type Component } from "./foreground";

/**
 * Peeling: explains a group of nearly touching foreground components one object at a time, front
 * first. Front objects are fully visible, so they explain most pixels and win first; their pixels
 * are then marked explained and count as neutral occlusion for the objects behind. Only the
 * residual blobs a new detection touches are re-split.
 *
 * Per residual blob, cheapest first: the blob as one whole object; heights from the blob's own
 * extents (a fully visible front object); a sparse height series; the dense series. The search
 * stops at the first plan whose refined fit is convincing.
 *
 * Leftovers: a residual with no solid core (thin rims a fit did not quite explain, an editor's
 * imperfect inpaint) is dropped unsearched; an unexplained blob that is small and lies within a
 * detection's rect is that detection's leftover. Other unexplained blobs of >= 400 px become an
 * "object" detection.
 *
 * Exports: Found, groupComponents, peelGroup.
 */

export interface Found {
  /** null: foreground no candidate explains (label "object"). */
  hypothesis: Hypothesis | null;
  bounds: Bounds;
  score: number;
  /** Plausible but inexact: kept unless unexplained foreground remains next to it (peelGroup). */
  tentative?: boolean;
}

const MIN_BLOB = 80;
const UNKNOWN_BLOB = 400;
/** An unexplained blob with this share of its pixels within 4 px of a detection's rect is its leftover. */
const ABSORB_MARGIN = 4;
const ABSORB_SHARE = 0.7;
const ABSORB_SIZE = 0.15;
/** Minimum solid core (pixels surviving a 5x5 erosion) of a residual worth explaining. */
const MIN_CORE = 150;

/** Union of components whose bboxes come within 3 px of each other. */
export function groupComponents(components: Component[]): Component[][] {
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
    const group = groups.get(root);
    if (group) group.push(component);
    else groups.set(root, [component]);
  });
  return [...groups.values()];
}

/** Reusable per-call buffers for connected components over the residual. */
export interface PeelBuffers {
  scratch: Int32Array;
  work: Uint8Array;
}

const MAX_SEARCHES = 16;
/**
 * Most of the blob lies inside one detection's rect and it is small next to it: pixels that
 * detection's fit left over (a slightly misplaced or mis-sized rect), not an object of its own.
 */
function absorbed(blob: Component, found: readonly Found[], width: number): boolean {
  for (const f of found) {
    if (!f.hypothesis) continue;
    const r = f.bounds;
    if (r.x0 > blob.x1 || blob.x0 > r.x1 || r.y0 > blob.y1 || blob.y0 > r.y1) continue;
    // An object in front of the detection can be as large; leftovers are small next to it.
    if (blob.pixels.length > ABSORB_SIZE * (r.x1 - r.x0 + 1) * (r.y1 - r.y0 + 1)) continue;
    let inside = 0;
    for (const p of blob.pixels) {
      const x = p % width;
      const y = (p - x) / width;
      if (x >= r.x0 - ABSORB_MARGIN && x <= r.x1 + ABSORB_MARGIN && y >= r.y0 - ABSORB_MARGIN && y <= r.y1 + ABSORB_MARGIN) inside++;
    }
    if (inside >= ABSORB_SHARE * blob.pixels.length) return true;
  }
  return false;
}

/** Refine the leading hypotheses (up to three, within half the best score); the best refined. */
function refinedBest(scene: Scene, ranked: readonly Hypothesis[]): Hypothesis | undefined {
  const top = ranked[0];
  let best: Hypothesis | undefined;
  for (const candidate of ranked.slice(0, 3)) {
    if (candidate.score < top!.score * 0.5 && candidate !== top) break;
    const refined = refine(scene, candidate);
    if (!best || refined.score > best.score) best = refined;
  }
  return best;
}

const PLANS: readonly HeightPlan[] = ["extents", "sparse-series", "series"];

/** Good enough to skip the denser plans: tight, and exact (a rect a few pixels off is not). */
function convincing(h: Hypothesis, plan: HeightPlan): boolean {
  return h.precision >= (plan === "extents" ? 0.9 : 0.85) && h.visible >= (plan === "extents" ? 0.5 : 0.3) && h.strict >= 0.8;
}

/** Below this height a template has few samples: a chance fit on part of another object needs exactness to be ruled out. */
const SMALL_HEIGHT = 28;

/**
 * Accepted as a detection. A wrong template laid over part of an object that is not a candidate
 * can match many samples within the tolerance, but only the drawn sprite matches within rounding
 * (`strict`), so the tolerance-level precision is discounted by exactness.
 */
function plausible(h: Hypothesis): boolean {
  if (h.precision < 0.5 || h.visible < 0.3 || h.score <= 0) return false;
  return h.height >= SMALL_HEIGHT || (h.strict >= 0.8 && h.precision >= 0.9);
}

function exact(h: Hypothesis): boolean {
  return h.strict * h.precision >= 0.45;
}

export function peelGroup(scene: Scene, keys: readonly string[], group: Component[], buffers: PeelBuffers): Found[] {
  const { width: W, height: H } = scene.analysis;
  const bounds = boundsOf(group);
  const explained = scene.explained;
  /** The unexplained pixels of `blob`, as connected pieces of at least MIN_BLOB pixels. */
  const split = (blob: Component): Component[] => {
    let count = 0;
    for (const p of blob.pixels) if (!explained[p]) count++;
    if (count < MIN_BLOB) return [];
    if (count === blob.pixels.length) return [blob];
    const remaining = new Int32Array(count);
    count = 0;
    for (const p of blob.pixels) if (!explained[p]) remaining[count++] = p;
    for (const p of remaining) buffers.work[p] = 1;
    const pieces = connectedComponents(buffers.work, W, H, remaining, buffers.scratch, MIN_BLOB);
    for (const p of remaining) buffers.work[p] = 0;
    return pieces;
  };
  // Residual blobs; only those a new detection touches are re-split.
  let blobs = group.filter((component) => component.pixels.length >= MIN_BLOB);
  const found: Found[] = [];
  for (let searches = 0; searches < MAX_SEARCHES && blobs.length > 0; ) {
    let largest = 0;
    for (let index = 1; index < blobs.length; index++) if (blobs[index]!.pixels.length > blobs[largest]!.pixels.length) largest = index;
    const blob = blobs[largest]!;
    blobs.splice(largest, 1);
    for (const p of blob.pixels) buffers.work[p] = 1;
    const core = solidCore(blob, buffers.work, W, H, MIN_CORE);
    for (const p of blob.pixels) buffers.work[p] = 0;
    if (core < MIN_CORE) {
      // A thin rim (edges a detection did not quite explain, an editor's leftover): not an object.
      for (const p of blob.pixels) explained[p] = 1;
      continue;
    }
    searches++;
    let best = wholeBlob(scene, keys, blob);
    if (best) best = refine(scene, best);
    else {
      // Cheap plans first: heights from the blob's extents find a fully visible front object;
      // a sparse height series most objects seen past others; the dense series the rest.
      // Keys in the order the previous plan ranked them: a strong key early prunes the rest sooner.
      let order = keys;
      for (const plan of PLANS) {
        const ranked = searchBlob(scene, order, blob, bounds, plan);
        const rankedKeys = ranked.map((h) => h.key);
        order = [...rankedKeys, ...order.filter((key) => !rankedKeys.includes(key))];
        const refined = refinedBest(scene, ranked);
        if (refined && (!best || refined.score > best.score)) best = refined;
        if (best && convincing(best, plan)) break;
      }
    }
    // Plausible but inexact: the rect may be a few pixels off (search further) or the label wrong.
    if (best && plausible(best) && !exact(best)) best = refineWide(scene, best);
    // Implausible, or plausible only within the tolerance: a candidate may be merged with an unknown object.
    const occluded = !best || !plausible(best) || !exact(best) ? occludedCandidate(scene, keys, blob, bounds) : undefined;
    if (occluded) best = occluded;
    if (best && (occluded || plausible(best))) {
      markExplained(scene, best);
      const rect = { x0: best.left, y0: best.top, x1: best.left + best.width - 1, y1: best.top + best.height - 1 };
      found.push({ hypothesis: best, bounds: rect, score: best.precision, tentative: !exact(best) });
      const touched = (b: Bounds) => b.x0 <= rect.x1 && rect.x0 <= b.x1 && b.y0 <= rect.y1 && rect.y0 <= b.y1;
      blobs = [...blobs.flatMap((other) => (touched(other) ? split(other) : [other])), ...split(blob)];
      continue;
    }
    for (const p of blob.pixels) explained[p] = 1;
    if (blob.pixels.length >= UNKNOWN_BLOB && !absorbed(blob, found, W)) found.push({ hypothesis: null, bounds: blob, score: 0.2 });
  }
  return withoutDoubtfulFits(found);
}

/**
 * A tentative (inexact) fit touching foreground nothing explains was most likely a candidate's
 * template laid over part of an object that is not a candidate: the fit and the leftover are one
 * unknown object.
 */
function withoutDoubtfulFits(found: Found[]): Found[] {
  const touching = (a: Bounds, b: Bounds) => a.x0 - 2 <= b.x1 && b.x0 - 2 <= a.x1 && a.y0 - 2 <= b.y1 && b.y0 - 2 <= a.y1;
  let result = found;
  for (const doubtful of found.filter((f) => f.tentative)) {
    const unknown = result.find((f) => !f.hypothesis && touching(f.bounds, doubtful.bounds));
    if (!unknown) continue;
    const merged: Found = { hypothesis: null, bounds: boundsOf([unknown.bounds, doubtful.bounds]), score: unknown.score };
    result = result.flatMap((f) => (f === doubtful ? [] : f === unknown ? [merged] : [f]));
  }
  return result;
}

/**
 * A candidate partly hidden by (or hiding) foreground no candidate explains: the blob as a whole
 * fits nothing, but a candidate's visible part may still fit exactly. Searched with misses
 * weighted as possible occlusion; accepted only when the parts it claims fit tightly and within
 * rounding (a look-alike or a template laid over an unknown object does not) and little of it
 * lands on background (which no occluder explains).
 */
function occludedCandidate(scene: Scene, keys: readonly string[], blob: Component, bounds: Bounds): Hypothesis | undefined {
  for (const plan of OCCLUDED_PLANS) {
    const ranked = searchBlob(scene, keys, blob, bounds, plan, true);
    let best: Hypothesis | undefined;
    for (const candidate of ranked.slice(0, 3)) {
      if (candidate.score <= 0) break;
      const refined = plan === "scan" ? refineWide(scene, candidate, true) : refine(scene, candidate, true);
      if (!occludedFit(refined)) continue;
      if (!best || refined.claimed * refined.strict > best.claimed * best.strict) best = refined;
    }
    if (best) return best;
  }
  return undefined;
}

/** Anchored first (an extreme point shows on the contour), then a grid scan over the blob. */
const OCCLUDED_PLANS: readonly HeightPlan[] = ["series", "scan"];

function occludedFit(h: Hypothesis): boolean {
  const strictEnough = h.height >= SMALL_HEIGHT ? 0.8 : 0.9;
  return h.strict >= strictEnough && h.tight >= 0.9 && h.claimed >= 0.4 && h.background <= 0.03;
}

/**
 * Pixels of `blob` whose 5x5 neighbourhood lies entirely in `mask` (what survives eroding away
 * thin rims), counted up to `enough`.
 */
function solidCore(blob: Component, mask: Uint8Array, width: number, height: number, enough: number): number {
  let core = 0;
  for (const p of blob.pixels) {
    const x = p % width;
    const y = (p - x) / width;
    if (x < 2 || y < 2 || x >= width - 2 || y >= height - 2) continue;
    let solid = true;
    for (let dy = -2; dy <= 2 && solid; dy++) {
      const row = p + dy * width;
      for (let dx = -2; dx <= 2; dx++) {
        if (!mask[row + dx]) {
          solid = false;
          break;
        }
      }
    }
    if (solid && ++core >= enough) break;
  }
  return core;
}
