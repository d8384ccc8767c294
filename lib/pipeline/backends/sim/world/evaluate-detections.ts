import { boxIoU, geometricClasses, relationHolds } from "../../../metrics/spatial-geometry";
import type { Detection } from "./detect";
import type { RandomScene } from "./random-scenes";

/**
 * Scores detections against a random scene's ground truth (used by detect.test.ts and
 * scripts/bench-detector.ts): identification (right label, IoU >= 0.5), misses, wrong labels,
 * spurious detections, relation agreement over every ordered pair of identified objects and
 * every geometric class, and colour naming of recoloured objects.
 *
 * Partial vocabulary (the detector given only some of the scene's labels, as the sim Editor
 * calls it): each object whose label was given must be found with that label (IoU >= 0.5);
 * a detection with a given label matching no such object is spurious. Detections labelled
 * "object" (the other objects) are not scored.
 *
 * Exports: DetectionTally, emptyTally, tallyScene, PartialTally, emptyPartialTally, tallyPartial.
 */

export interface DetectionTally {
  objects: number;
  identified: number;
  wrongLabel: number;
  missed: number;
  spurious: number;
  relations: number;
  relationsAgreeing: number;
  recoloured: number;
  recolouredNamed: number;
  failures: string[];
}

export function emptyTally(): DetectionTally {
  return { objects: 0, identified: 0, wrongLabel: 0, missed: 0, spurious: 0, relations: 0, relationsAgreeing: 0, recoloured: 0, recolouredNamed: 0, failures: [] };
}

export function tallyScene(tally: DetectionTally, seed: number, scene: RandomScene, detections: Detection[]): void {
  const truth = scene.render.truth;
  const used = new Set<number>();
  const matchOf: (number | undefined)[] = [];
  const pairs = truth.flatMap((t, ti) => detections.map((d, di) => ({ ti, di, iou: boxIoU(t.box, d.box), same: d.label === t.label })));
  pairs.sort((a, b) => Number(b.same) - Number(a.same) || b.iou - a.iou);
  for (const pair of pairs) {
    if (!pair.same || pair.iou < 0.5 || used.has(pair.di) || matchOf[pair.ti] !== undefined) continue;
    matchOf[pair.ti] = pair.di;
    used.add(pair.di);
  }
  truth.forEach((t, ti) => {
    tally.objects++;
    const di = matchOf[ti];
    if (di !== undefined) {
      tally.identified++;
      const colour = scene.layout.objects[ti]!.colour;
      if (colour) {
        tally.recoloured++;
        if (detections[di]!.colour === colour) tally.recolouredNamed++;
        else tally.failures.push(`seed ${seed}: ${colour} ${t.label} named ${detections[di]!.colour}`);
      }
      return;
    }
    const overlapping = detections.find((d, index) => !used.has(index) && boxIoU(t.box, d.box) >= 0.5);
    if (overlapping) {
      tally.wrongLabel++;
      tally.failures.push(`seed ${seed}: ${t.label} (vis ${t.visibleFraction.toFixed(2)}) detected as ${overlapping.label}`);
    } else {
      tally.missed++;
      tally.failures.push(`seed ${seed}: missed ${t.label} (vis ${t.visibleFraction.toFixed(2)})`);
    }
  });
  const unmatched = detections.filter((_, index) => !used.has(index));
  const wrongLabelled = tally.wrongLabel;
  void wrongLabelled;
  tally.spurious += unmatched.length;
  for (const d of unmatched) tally.failures.push(`seed ${seed}: spurious ${d.label} at ${d.box.x.toFixed(2)},${d.box.y.toFixed(2)}`);
  for (let a = 0; a < truth.length; a++) {
    for (let b = 0; b < truth.length; b++) {
      const da = matchOf[a];
      const db = matchOf[b];
      if (a === b || da === undefined || db === undefined) continue;
      const ta = { box: truth[a]!.box, depth: truth[a]!.depth };
      const tb = { box: truth[b]!.box, depth: truth[b]!.depth };
      const pa = { box: detections[da]!.box, depth: detections[da]!.depth };
      const pb = { box: detections[db]!.box, depth: detections[db]!.depth };
      for (const geometricClass of geometricClasses) {
        tally.relations++;
        if (relationHolds(geometricClass, ta, tb) === relationHolds(geometricClass, pa, pb)) tally.relationsAgreeing++;
        else tally.failures.push(`seed ${seed}: ${geometricClass}(${truth[a]!.label}, ${truth[b]!.label}) disagrees`);
      }
    }
  }
}

export interface PartialTally {
  /** Objects whose label was among the candidates. */
  objects: number;
  found: number;
  /** Detections with a candidate label that match no object of that label. */
  spurious: number;
  /** Detections made (all labels, "object" included), for the spurious rate's context. */
  detections: number;
  failures: string[];
}

export function emptyPartialTally(): PartialTally {
  return { objects: 0, found: 0, spurious: 0, detections: 0, failures: [] };
}

export function tallyPartial(tally: PartialTally, seed: number, scene: RandomScene, candidates: readonly string[], detections: Detection[]): void {
  const truth = scene.render.truth;
  const given = truth.map((t, ti) => ({ t, ti })).filter(({ t }) => candidates.includes(t.label));
  const pairs = given.flatMap(({ t, ti }) => detections.map((d, di) => ({ ti, di, iou: d.label === t.label ? boxIoU(t.box, d.box) : 0 })));
  pairs.sort((a, b) => b.iou - a.iou);
  const used = new Set<number>();
  const matched = new Set<number>();
  for (const pair of pairs) {
    if (pair.iou < 0.5 || used.has(pair.di) || matched.has(pair.ti)) continue;
    used.add(pair.di);
    matched.add(pair.ti);
  }
  tally.detections += detections.length;
  const labels = candidates.join("|");
  for (const { t, ti } of given) {
    tally.objects++;
    if (matched.has(ti)) tally.found++;
    else {
      const near = detections.find((d) => boxIoU(t.box, d.box) >= 0.3);
      tally.failures.push(`seed ${seed} [${labels}]: missed ${t.label} (vis ${t.visibleFraction.toFixed(2)})${near ? ` near a ${near.label}` : ""}`);
    }
  }
  detections.forEach((d, di) => {
    if (d.label === "object" || used.has(di)) return;
    tally.spurious++;
    tally.failures.push(`seed ${seed} [${labels}]: spurious ${d.label} at ${d.box.x.toFixed(2)},${d.box.y.toFixed(2)}`);
  });
}
