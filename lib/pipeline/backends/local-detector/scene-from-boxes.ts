import { classifyPredicate, canonicalPhrase } from "../../metrics/predicates";
import { relationHolds, type GeometricClass, type Placement } from "../../metrics/spatial-geometry";
import { buildCritique } from "../../roles/critique";
import { matchObjects } from "../../roles/match-objects";
import type { CheckResult, RoleResult } from "../../roles/types";
import type { Box, Relation, SceneGraph, SceneObject } from "../../scene-graph/schema";
import { observedPredicate } from "../sim/checker";
import { cocoClassOf } from "./coco-labels";
import type { RawDetection } from "./model";

/**
 * From the detector's boxes to what the Checker saw, by the LAION-SG protocol the sim Checker
 * follows: the detected graph names objects only with the target's names (a "person" box becomes
 * the target's "man"), instances are counted (a surplus one is an extra object), and for each
 * target pair whose objects were both found it reports the target's predicate when the boxes
 * satisfy it, else another target predicate that holds, else none. Relations are read from the
 * boxes through the shared predicate table and `relationHolds`, like every other Checker.
 *
 * What boxes cannot tell, said as warnings:
 * - Attributes (colours, materials) are not checked: a found object keeps the target's attributes.
 * - Depth ("in front of", "behind") comes from `groundContactDepths`, a documented proxy.
 * - Labels outside COCO-80 cannot be found: their objects are missing, so their triples are too.
 */
export function sceneFromDetections(target: SceneGraph, detections: readonly RawDetection[]): RoleResult & CheckResult {
  const warnings: string[] = [];
  const cocoOf = new Map(target.objects.map((object) => [object.id, cocoClassOf(object.label)]));
  const unsupported = [...new Set(target.objects.filter((object) => !cocoOf.get(object.id)).map((object) => object.label))];
  if (unsupported.length > 0) {
    warnings.push(
      `the local detector knows only the 80 COCO classes; ${unsupported.map((label) => `"${label}"`).join(", ")} cannot be detected, so ${unsupported.length === 1 ? "it is" : "they are"} reported missing and ${unsupported.length === 1 ? "its" : "their"} relations cannot hold`,
    );
  }
  const namesByClass = new Map<string, string[]>();
  for (const object of target.objects) {
    const coco = cocoOf.get(object.id);
    if (!coco) continue;
    const names = namesByClass.get(coco) ?? [];
    if (!names.includes(object.label)) names.push(object.label);
    namesByClass.set(coco, names);
  }
  for (const [coco, names] of namesByClass) {
    if (names.length > 1) warnings.push(`${names.map((name) => `"${name}"`).join(" and ")} are all "${coco}" to the detector, which cannot tell them apart`);
  }
  if (target.objects.some((object) => object.attributes.length > 0)) {
    warnings.push("attributes (colours, materials, sizes) are not checked by a box detector: found objects keep the target's attributes");
  }

  const classes = new Map<string, GeometricClass>();
  for (const relation of target.relations) {
    const classified = classifyPredicate(relation.predicate);
    classes.set(relation.predicate, classified.geometricClass);
    if (classified.warning) warnings.push(classified.warning);
  }
  if ([...classes.values()].some((geometricClass) => geometricClass === "in-front" || geometricClass === "behind")) {
    warnings.push(
      "in front of / behind are judged from where the boxes reach down (the lower an object's base in the image, the nearer it is taken to be; an object resting on another is as near as its support): right for things standing on one floor, wrong for things that fly, hang or are cut off by the image's bottom edge",
    );
  }

  // Only classes the target asks for are looked at (the protocol: only the target's names).
  const wanted = detections.filter((detection) => namesByClass.has(detection.label));
  const depths = groundContactDepths(wanted.map((detection) => detection.box));
  const seen: SceneObject[] = wanted.map((detection, index) => ({
    id: `det-${index}`,
    label: detection.label,
    attributes: [],
    box: detection.box,
    depth: depths[index]!,
    confidence: detection.score,
  }));
  const placements = new Map<string, Placement>(seen.map((object) => [object.id, { box: object.box!, depth: object.depth! }]));
  // Matching happens in COCO classes ("man" and "woman" both compete for person boxes).
  const targetInClasses: SceneGraph = {
    objects: target.objects.map((object) => ({ ...object, label: cocoOf.get(object.id) ?? object.label })),
    relations: target.relations,
  };
  const matches = matchObjects(targetInClasses, seen, (relation, subject, object) =>
    relationHolds(classes.get(relation.predicate)!, placements.get(subject)!, placements.get(object)!),
  );

  const targetById = new Map(target.objects.map((object) => [object.id, object]));
  const targetOfDetection = new Map(Object.entries(matches).map(([targetId, detectedId]) => [detectedId, targetById.get(targetId)!]));
  const objects: SceneObject[] = seen.map((object) => {
    const wantedObject = targetOfDetection.get(object.id);
    if (wantedObject) return { ...object, label: wantedObject.label, attributes: [...wantedObject.attributes] };
    // A surplus instance, named with the target's (first) name for its class.
    return { ...object, label: namesByClass.get(object.label)![0]! };
  });

  const vocabulary = [...new Set(target.relations.map((relation) => relation.predicate))];
  const relations: Relation[] = [];
  const relationKeys = new Set<string>();
  for (const relation of target.relations) {
    const subject = matches[relation.subject];
    const object = matches[relation.object];
    if (subject === undefined || object === undefined) continue;
    const predicate = observedPredicate(relation.predicate, vocabulary, classes, placements.get(subject)!, placements.get(object)!);
    const key = `${subject}\u0000${predicate}\u0000${object}`;
    if (!predicate || relationKeys.has(key)) continue;
    relationKeys.add(key);
    relations.push({ subject, predicate, object });
  }

  const detected: SceneGraph = { objects, relations };
  const describePair = (subject: string, object: string) => plainRelation(placements.get(subject)!, placements.get(object)!);
  return { detected, critique: buildCritique(target, detected, matches, describePair), warnings: [...new Set(warnings)] };
}

/**
 * The depth proxy: 0 for a box reaching the image's bottom edge (nearest) .. 1 for one whose base
 * is at the top (farthest), i.e. 1 - the base's height in the image, as on a ground plane seen
 * from standing height (the sim world draws its scenes by the same law). An object that rests on
 * another (`relationHolds("on")`: its base on the other's top) takes its support's depth: a cup on
 * a table is as near as the table, not farther.
 */
export function groundContactDepths(boxes: readonly Box[]): number[] {
  const depths = boxes.map((box) => Math.min(1, Math.max(0, 1 - (box.y + box.height))));
  // Supports first: lowest base first, so a stack is resolved from the bottom up.
  const order = boxes.map((_, index) => index).sort((a, b) => boxes[b]!.y + boxes[b]!.height - (boxes[a]!.y + boxes[a]!.height));
  for (const index of order) {
    const support = order.find((other) => other !== index && relationHolds("on", { box: boxes[index]!, depth: 0 }, { box: boxes[other]!, depth: 0 }));
    if (support !== undefined) depths[index] = depths[support]!;
  }
  return depths;
}

/** How two found objects stand, in plain words, for the critique's sentence (same order as the sim Checker). */
const plainOrder: GeometricClass[] = ["left", "right", "on", "under", "above", "below", "in-front", "behind", "inside", "touching", "near"];

function plainRelation(subject: Placement, object: Placement): string | undefined {
  const seen = plainOrder.find((geometricClass) => relationHolds(geometricClass, subject, object));
  return seen ? canonicalPhrase(seen) : undefined;
}
