import { nodeText, type SceneGraph } from "../scene-graph/schema";

/**
 * The SG-IoU family of LAION-SG / CompSG-Bench (mengcye/LAION-SG; arXiv 2412.08580):
 *
 *   IoU(A, B) = |A ∩ B| / |A ∪ B| over sets of strings, and 0 when both sets are empty.
 *   SG-IoU       = IoU of the (subject node text, predicate, object node text) triple sets.
 *   Entity-IoU   = IoU of the object-name sets.
 *   Relation-IoU = IoU of the predicate sets.
 *
 * Sets, not lists: duplicates collapse (LAION-SG's two "leafless slender trees growing near
 * reflective calm river" triples count once). Node text is `nodeText` (attributes joined by spaces,
 * then the label), the string LAION-SG's loader builds for each item.
 *
 * This is rl-rig's normalised variant, computed from two scene graphs. LAION-SG's own scorer,
 * `test/test_iou.py`, differs on three points and is reproduced exactly, apart, in
 * laion-sg-test-iou.ts: its target entities are only the items in triples, its detected objects and
 * predicates are lists of their own, and it compares raw strings. Here entities default to node text
 * ("red cup" and "blue cup" are different entities), the name test_iou.py's predefined items carry;
 * `{ entityName: "label" }` compares bare labels instead, for readers who take "object name" to mean
 * the category.
 *
 * Normalisation, applied to every string before it enters a set (`normaliseText`):
 *   1. lower-case;
 *   2. trim, and collapse runs of whitespace to one space;
 *   3. drop leading articles ("a", "an", "the"), repeatedly.
 * Nothing else: no plural folding, no synonym mapping ("next to" ≠ "beside"), because the
 * benchmark compares exact strings and a VLM told the ground-truth names is expected to reuse them.
 * The LAION-SG loader writes " label" (leading space) for items without attributes; step 2 makes
 * that equal to `nodeText`'s "label".
 */

export interface SceneGraphMetrics {
  sgIoU: number;
  entityIoU: number;
  relationIoU: number;
}

export interface SceneGraphMetricsOptions {
  /** What names an entity: its node text (default, see above) or its bare label. */
  entityName?: "node-text" | "label";
}

export function normaliseText(text: string): string {
  let result = text.toLowerCase().trim().replace(/\s+/g, " ");
  let previous: string;
  do {
    previous = result;
    result = result.replace(/^(?:a|an|the) /, "");
  } while (result !== previous);
  return result;
}

/** |A ∩ B| / |A ∪ B|, and 0 when both are empty. */
export function setIoU(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let intersection = 0;
  for (const value of a) if (b.has(value)) intersection += 1;
  const union = a.size + b.size - intersection;
  return union === 0 ? 0 : intersection / union;
}

/** A graph's relations as (subject node text, predicate, object node text), strings as written. */
export function nodeTextTriples(graph: SceneGraph): [subject: string, predicate: string, object: string][] {
  const texts = new Map(graph.objects.map((object) => [object.id, nodeText(object)]));
  return graph.relations.map((relation) => {
    const subject = texts.get(relation.subject);
    const object = texts.get(relation.object);
    if (subject === undefined || object === undefined) {
      throw new Error(`relation "${relation.predicate}" refers to an object that is not in the scene graph`);
    }
    return [subject, relation.predicate, object];
  });
}

/** Triples as JSON arrays of their normalised parts, so no separator can make two triples collide. */
export function tripleSet(graph: SceneGraph): Set<string> {
  return new Set(nodeTextTriples(graph).map((triple) => JSON.stringify(triple.map(normaliseText))));
}

export function entitySet(graph: SceneGraph, entityName: SceneGraphMetricsOptions["entityName"] = "node-text"): Set<string> {
  return new Set(graph.objects.map((object) => normaliseText(entityName === "label" ? object.label : nodeText(object))));
}

export function relationSet(graph: SceneGraph): Set<string> {
  return new Set(graph.relations.map((relation) => normaliseText(relation.predicate)));
}

/** SG-IoU, Entity-IoU and Relation-IoU of a detected scene graph against the target. */
export function sceneGraphMetrics(target: SceneGraph, detected: SceneGraph, options: SceneGraphMetricsOptions = {}): SceneGraphMetrics {
  return {
    sgIoU: setIoU(tripleSet(target), tripleSet(detected)),
    entityIoU: setIoU(entitySet(target, options.entityName), entitySet(detected, options.entityName)),
    relationIoU: setIoU(relationSet(target), relationSet(detected)),
  };
}
