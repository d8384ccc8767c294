import { normaliseText } from "../metrics/scene-graph-iou";
import type { Relation, SceneGraph, SceneObject } from "../scene-graph/schema";

/** Does the target relation hold between these two detected objects? (Checker-specific.) */
export type RelationJudge = (relation: Relation, detectedSubjectId: string, detectedObjectId: string) => boolean;

/** Beyond this many same-label objects, enumerating assignments costs more than it is worth. */
const MAX_ENUMERATED_GROUP = 6;

/**
 * Assigns detected objects to target objects of the same label (one to one). Among objects that
 * share a label ("two cups") the assignment maximises attribute agreement, then the number of
 * target relations that hold, so "the cup on the left" is the one the target wants on the left.
 * Returns target id -> detected id; unmatched target ids are absent.
 */
export function matchObjects(target: SceneGraph, detected: readonly SceneObject[], relationHolds?: RelationJudge): Record<string, string> {
  const groups = new Map<string, { targets: SceneObject[]; candidates: SceneObject[] }>();
  for (const object of target.objects) {
    const key = normaliseText(object.label);
    const group = groups.get(key) ?? { targets: [], candidates: [] };
    group.targets.push(object);
    groups.set(key, group);
  }
  for (const object of detected) groups.get(normaliseText(object.label))?.candidates.push(object);

  const matches: Record<string, string> = {};
  // First pass: attributes only, so every group has a provisional assignment.
  for (const group of groups.values()) Object.assign(matches, bestAssignment(group.targets, group.candidates, () => 0));
  if (!relationHolds) return matches;

  // Second pass: re-assign groups of look-alike instances using the relations they take part in.
  for (const group of groups.values()) {
    if (group.targets.length < 2 && group.candidates.length < 2) continue;
    for (const object of group.targets) delete matches[object.id];
    const relationScore = (assignment: Record<string, string>) => {
      const trial = { ...matches, ...assignment };
      return target.relations.filter((relation) => {
        const subject = trial[relation.subject];
        const object = trial[relation.object];
        return subject !== undefined && object !== undefined && relationHolds(relation, subject, object);
      }).length;
    };
    Object.assign(matches, bestAssignment(group.targets, group.candidates, relationScore));
  }
  return matches;
}

function attributeAgreement(a: SceneObject, b: SceneObject): number {
  const wanted = new Set(a.attributes.map(normaliseText));
  return b.attributes.filter((attribute) => wanted.has(normaliseText(attribute))).length;
}

function bestAssignment(
  targets: readonly SceneObject[],
  candidates: readonly SceneObject[],
  relationScore: (assignment: Record<string, string>) => number,
): Record<string, string> {
  if (targets.length === 0 || candidates.length === 0) return {};
  if (targets.length > MAX_ENUMERATED_GROUP || candidates.length > MAX_ENUMERATED_GROUP) return greedyAssignment(targets, candidates);

  let best: Record<string, string> = {};
  let bestScore = -Infinity;
  const used = new Set<string>();
  const current: Record<string, string> = {};
  const slots = Math.min(targets.length, candidates.length);

  // Depth-first over injective assignments; a target may stay unmatched only when candidates run out.
  const visit = (index: number, assigned: number) => {
    if (index === targets.length) {
      if (assigned < slots) return;
      const score =
        relationScore(current) * 10 +
        Object.entries(current).reduce((sum, [targetId, detectedId]) => {
          const targetObject = targets.find((object) => object.id === targetId)!;
          const detectedObject = candidates.find((object) => object.id === detectedId)!;
          return sum + attributeAgreement(targetObject, detectedObject);
        }, 0);
      if (score > bestScore) {
        bestScore = score;
        best = { ...current };
      }
      return;
    }
    const targetObject = targets[index]!;
    for (const candidate of candidates) {
      if (used.has(candidate.id)) continue;
      used.add(candidate.id);
      current[targetObject.id] = candidate.id;
      visit(index + 1, assigned + 1);
      delete current[targetObject.id];
      used.delete(candidate.id);
    }
    if (targets.length - index > slots - assigned) visit(index + 1, assigned);
  };
  visit(0, 0);
  return best;
}

function greedyAssignment(targets: readonly SceneObject[], candidates: readonly SceneObject[]): Record<string, string> {
  const free = [...candidates];
  const result: Record<string, string> = {};
  for (const targetObject of targets) {
    if (free.length === 0) break;
    let bestIndex = 0;
    free.forEach((candidate, index) => {
      if (attributeAgreement(targetObject, candidate) > attributeAgreement(targetObject, free[bestIndex]!)) bestIndex = index;
    });
    result[targetObject.id] = free.splice(bestIndex, 1)[0]!.id;
  }
  return result;
}
