import { normaliseText } from "../metrics/scene-graph-iou";
import type { Critique, TripleVerdict } from "./types";
import { nodeText, type SceneGraph, type SceneObject } from "../scene-graph/schema";

/**
 * Turns "what the Checker saw" into the critique the Actor reads. Shared by every Checker
 * back end: the embedded one and the VLM ones only differ in how they produce `detected`.
 *
 * `matches` maps target object ids to detected object ids. A target triple is
 *  - missing   when either of its objects was not found,
 *  - satisfied when the detected graph has the same predicate between the matched objects,
 *  - violated  otherwise (with the predicate the Checker did see, if any).
 */
export function buildCritique(
  target: SceneGraph,
  detected: SceneGraph,
  matches: Record<string, string>,
  /** What the Checker saw between two detected objects when no target predicate fits (for the critique only). */
  describePair?: (detectedSubjectId: string, detectedObjectId: string) => string | undefined,
): Critique {
  const detectedById = new Map(detected.objects.map((object) => [object.id, object]));
  const matchedDetectedIds = new Set(Object.values(matches));

  const triples: TripleVerdict[] = target.relations.map((relation) => {
    const subject = matches[relation.subject];
    const object = matches[relation.object];
    if (subject === undefined || object === undefined) return { ...relation, status: "missing" };
    const seen = detected.relations.find((candidate) => candidate.subject === subject && candidate.object === object);
    if (seen && normaliseText(seen.predicate) === normaliseText(relation.predicate)) {
      return { ...relation, status: "satisfied", observedPredicate: seen.predicate };
    }
    const observed = seen?.predicate ?? describePair?.(subject, object);
    return { ...relation, status: "violated", ...(observed ? { observedPredicate: observed } : {}) };
  });

  const attributeMismatches = target.objects.flatMap((object) => {
    const found = detectedById.get(matches[object.id] ?? "");
    if (!found || sameAttributes(object, found)) return [];
    return [{ objectId: object.id, expected: object.attributes, observed: found.attributes }];
  });

  const critique: Critique = {
    triples,
    missingObjects: target.objects.filter((object) => matches[object.id] === undefined).map((object) => object.id),
    extraObjects: detected.objects
      .filter((object) => !matchedDetectedIds.has(object.id))
      .map((object) => ({ detectedId: object.id, label: object.label, ...(object.box ? { box: object.box } : {}) })),
    attributeMismatches,
    matches,
    depths: Object.fromEntries(
      Object.entries(matches).flatMap(([targetId, detectedId]) => {
        const depth = detectedById.get(detectedId)?.depth;
        return depth === undefined ? [] : [[targetId, depth]];
      }),
    ),
    locations: Object.fromEntries(
      Object.entries(matches).flatMap(([targetId, detectedId]) => {
        const box = detectedById.get(detectedId)?.box;
        return box ? [[targetId, box]] : [];
      }),
    ),
    summary: "",
  };
  critique.summary = summariseCritique(target, critique);
  return critique;
}

function sameAttributes(a: SceneObject, b: SceneObject): boolean {
  const left = new Set(a.attributes.map(normaliseText));
  const right = new Set(b.attributes.map(normaliseText));
  return left.size === right.size && [...left].every((attribute) => right.has(attribute));
}

/** One plain sentence per problem, worst first; what a person reads beside the image. */
export function summariseCritique(target: SceneGraph, critique: Critique): string {
  const text = (id: string) => {
    const object = target.objects.find((candidate) => candidate.id === id);
    return object ? nodeText(object) : id;
  };
  const lines: string[] = [];
  for (const id of critique.missingObjects) lines.push(`Missing: ${text(id)}.`);
  for (const extra of critique.extraObjects) lines.push(`Extra: ${extra.label} (not asked for).`);
  for (const mismatch of critique.attributeMismatches) {
    lines.push(`Attributes of ${text(mismatch.objectId)}: expected "${mismatch.expected.join(" ")}", saw "${mismatch.observed.join(" ")}".`);
  }
  for (const triple of critique.triples) {
    if (triple.status === "violated") {
      const seen = triple.observedPredicate ? `; it is ${triple.observedPredicate} it` : "";
      lines.push(`Violated: ${text(triple.subject)} should be ${triple.predicate} ${text(triple.object)}${seen}.`);
    } else if (triple.status === "missing") {
      lines.push(`Cannot check: ${text(triple.subject)} ${triple.predicate} ${text(triple.object)} (an object is missing).`);
    }
  }
  const satisfied = critique.triples.filter((triple) => triple.status === "satisfied").length;
  lines.push(`${satisfied} of ${critique.triples.length} relations hold.`);
  return lines.join(" ");
}
