import { nodeTextTriples, setIoU, type SceneGraphMetrics } from "./scene-graph-iou";
import { nodeText, type SceneGraph } from "../scene-graph/schema";

/**
 * LAION-SG's own scorer, `test/test_iou.py` (mengcye/LAION-SG, commit a16f85b), reproduced rule for
 * rule so rl-rig can report the number the benchmark's authors compute:
 *
 *   - target triples are the predefined (item1, relation, item2) triples; target entities are the
 *     items that appear in them (item1 or item2), target predicates the relations in them. An object
 *     in no triple is not a target entity.
 *   - detected triples, objects and predicates are three separate lists the evaluator returns
 *     (`scene_graph`, `object_list`, `predicate_list`); none is derived from another.
 *   - each list is de-duplicated as a Python set; strings are compared raw: no lower-casing, no
 *     trimming, no article removal ("Cup" ≠ "cup", " river" ≠ "river").
 *   - IoU = |A ∩ B| / |A ∪ B|, and 0 when the union is empty.
 *
 * `sceneGraphMetrics` (scene-graph-iou.ts) is rl-rig's normalised variant; report the two apart.
 * A target graph's predefined triples are `nodeTextTriples(graph)` (node text as the item name).
 */

export type Triple = readonly [subject: string, predicate: string, object: string];

/** What the evaluator returns, after test_iou.py's `clean_json`. */
export interface TestIouDetection {
  sceneGraph: readonly Triple[];
  objectList: readonly string[];
  predicateList: readonly string[];
}

/** test_iou.py's `calculate_iou`, on lists that become sets. */
export function listIoU<T>(full: readonly T[], mini: readonly T[], key: (value: T) => string = String): number {
  return setIoU(new Set(full.map(key)), new Set(mini.map(key)));
}

// A tuple's identity as Python's set sees it: the three raw strings, with no separator to collide on.
const tripleKey = (triple: Triple) => JSON.stringify(triple);

export function testIouMetrics(predefined: readonly Triple[], detected: TestIouDetection): SceneGraphMetrics {
  const items = predefined.flatMap(([subject, , object]) => [subject, object]);
  const relations = predefined.map(([, predicate]) => predicate);
  return {
    sgIoU: listIoU(predefined, detected.sceneGraph, tripleKey),
    entityIoU: listIoU(items, detected.objectList),
    relationIoU: listIoU(relations, detected.predicateList),
  };
}

/**
 * test_iou.py's metrics for an evaluator that answers with a scene graph (a Scorer): its triples,
 * its object list (every object it reports, in a triple or not) and its predicate list (the
 * predicates of its relations), each as written.
 */
export function testIouOfSceneGraphs(target: SceneGraph, detected: SceneGraph): SceneGraphMetrics {
  return testIouMetrics(nodeTextTriples(target), {
    sceneGraph: nodeTextTriples(detected),
    objectList: detected.objects.map(nodeText),
    predicateList: detected.relations.map((relation) => relation.predicate),
  });
}

/**
 * test_iou.py's `clean_json`: strip Markdown code fences, parse, read the three lists (missing ones
 * are empty). Throws, naming the field, when the JSON is not of that shape.
 */
export function parseTestIouResponse(text: string): TestIouDetection {
  const cleaned = text.replace(/```json|```/g, "").trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(cleaned);
  } catch (error) {
    throw new Error(`evaluator response is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("evaluator response is not a JSON object");
  const record = parsed as Record<string, unknown>;
  const strings = (field: string): string[] => {
    const value = record[field] ?? [];
    if (!Array.isArray(value) || !value.every((entry) => typeof entry === "string")) throw new Error(`evaluator response: "${field}" must be a list of strings`);
    return value;
  };
  const sceneGraph = record.scene_graph ?? [];
  if (!Array.isArray(sceneGraph)) throw new Error('evaluator response: "scene_graph" must be a list of triples');
  const isTriple = (value: unknown): value is Triple =>
    Array.isArray(value) && value.length === 3 && value.every((part) => typeof part === "string");
  const triples = sceneGraph.map((triple, index): Triple => {
    if (!isTriple(triple)) throw new Error(`evaluator response: scene_graph[${index}] must be three strings`);
    return triple;
  });
  return { sceneGraph: triples, objectList: strings("object_list"), predicateList: strings("predicate_list") };
}
