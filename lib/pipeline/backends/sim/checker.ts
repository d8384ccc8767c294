import { detectObjects, type Detection } from "./world/detect";
import type { SpriteLibrary } from "./world/sprite-library";
import type { WorldStyle } from "./world/world";
import type { RasterImage } from "../../image/raster";
import { canonicalPhrase, classifyPredicate } from "../../metrics/predicates";
import { relationHolds, type GeometricClass, type Placement } from "../../metrics/spatial-geometry";
import { buildCritique } from "../../roles/critique";
import { throwIfAborted } from "../../roles/errors";
import { matchObjects } from "../../roles/match-objects";
import type { CheckResult, Checker, RoleCallOptions, RoleResult } from "../../roles/types";
import type { Relation, SceneGraph, SceneObject } from "../../scene-graph/schema";
import { asColourName, colourOf } from "../../scene-graph/vocabulary";

/**
 * The embedded Checker: pixels in, scene graph out. It follows LAION-SG's VLM protocol: it is
 * told the target's object names and predicate names, finds the objects (the world detector),
 * and for every target pair whose objects are both found it reports the relation it sees,
 * using only the target's predicate names (the target's own predicate when it holds, else
 * another of the target's that does, else none). So SG-IoU is 1 exactly when every target
 * triple holds with the right attributes. The critique still says in plain words what it saw
 * between a violated pair ("right of"), which the scored graph must not contain.
 *
 * Attributes it reports: colours, which it can see. Attributes the embedded world does not draw
 * ("wooden", "old", size words) cannot be seen wrong, so a found object keeps the target's.
 */
export class SimChecker implements Checker {
  readonly name = "sim";

  constructor(
    private readonly library: SpriteLibrary,
    private readonly style: WorldStyle,
  ) {}

  async check(image: RasterImage, target: SceneGraph, options: RoleCallOptions): Promise<RoleResult & CheckResult> {
    throwIfAborted("checker", options.signal);
    const vocabulary = [...new Set(target.objects.map((object) => object.label))];
    await this.library.load(vocabulary);
    throwIfAborted("checker", options.signal);
    return readSceneGraph(target, detectObjects(image, vocabulary, this.library, this.style), this.library);
  }
}

/** What a reader saw of one object: what it is, where, how far, in which colour, and how sure it is (none: certain). */
export type Sighting = Pick<Detection, "label" | "box" | "depth" | "colour"> & { score?: number };

/**
 * The scene graph and critique of a picture from what was seen in it, by LAION-SG's protocol
 * (see SimChecker). Shared by the Checker (sightings from the pixel detector) and the oracle
 * Scorer (sightings from the world's record of what it drew), so the two differ only in what
 * they saw, never in how they grade.
 */
export function readSceneGraph(target: SceneGraph, sightings: readonly Sighting[], library: SpriteLibrary): CheckResult & { warnings: string[] } {
  const warnings: string[] = [];
  const recoloured = (sighting: Sighting) => sighting.label !== "object" && sighting.colour !== library.naturalColour(library.resolve(sighting.label).key);
  const seen: SceneObject[] = sightings.map((sighting, index) => ({
    id: `det-${index}`,
    label: sighting.label,
    attributes: recoloured(sighting) ? [sighting.colour] : [],
    box: sighting.box,
    depth: sighting.depth,
    ...(sighting.score === undefined ? {} : { confidence: Math.min(1, Math.max(0, sighting.score)) }),
  }));
  const placements = new Map(seen.map((object, index) => [object.id, placementOf(sightings[index]!)]));
  const classes = new Map<string, GeometricClass>();
  for (const relation of target.relations) {
    const classified = classifyPredicate(relation.predicate);
    classes.set(relation.predicate, classified.geometricClass);
    if (classified.warning) warnings.push(classified.warning);
  }
  const matches = matchObjects(target, seen, (relation, subject, object) =>
    relationHolds(classes.get(relation.predicate)!, placements.get(subject)!, placements.get(object)!),
  );

  const targetById = new Map(target.objects.map((object) => [object.id, object]));
  const detectedObjects = seen.map((object, index) => {
    const targetId = Object.keys(matches).find((id) => matches[id] === object.id);
    const wanted = targetId ? targetById.get(targetId) : undefined;
    return wanted ? { ...object, attributes: reportedAttributes(wanted, sightings[index]!, recoloured(sightings[index]!)) } : object;
  });

  const vocabularyPredicates = [...new Set(target.relations.map((relation) => relation.predicate))];
  const relations: Relation[] = target.relations.flatMap((relation) => {
    const subject = matches[relation.subject];
    const object = matches[relation.object];
    if (subject === undefined || object === undefined) return [];
    const predicate = observedPredicate(relation.predicate, vocabularyPredicates, classes, placements.get(subject)!, placements.get(object)!);
    return predicate ? [{ subject, predicate, object }] : [];
  });

  const detected: SceneGraph = { objects: detectedObjects, relations: dedupeRelations(relations) };
  const describePair = (subject: string, object: string) => plainRelation(placements.get(subject)!, placements.get(object)!);
  return { detected, critique: buildCritique(target, detected, matches, describePair), warnings: [...new Set(warnings)] };
}

function placementOf(sighting: Sighting): Placement {
  return { box: sighting.box, depth: sighting.depth };
}

/**
 * The found object's attributes: the target's, with its colour word replaced by the colour seen
 * (or the seen colour added when the object was drawn in a colour nobody asked for).
 */
function reportedAttributes(wanted: SceneObject, sighting: Sighting, recoloured: boolean): string[] {
  const wantsColour = colourOf(wanted.attributes) !== undefined;
  const kept = wanted.attributes.filter((attribute) => asColourName(attribute) === undefined);
  if (wantsColour || recoloured) {
    const colourIndex = wanted.attributes.findIndex((attribute) => asColourName(attribute) !== undefined);
    const at = colourIndex >= 0 ? colourIndex : kept.length;
    kept.splice(Math.min(at, kept.length), 0, sighting.colour);
  }
  return kept;
}

/** The target's predicate if it holds, else another target predicate that holds, else none (LAION-SG protocol). */
export function observedPredicate(
  wanted: string,
  vocabulary: readonly string[],
  classes: ReadonlyMap<string, GeometricClass>,
  subject: Placement,
  object: Placement,
): string | undefined {
  const holds = (phrase: string) => relationHolds(classes.get(phrase) ?? classifyPredicate(phrase).geometricClass, subject, object);
  if (holds(wanted)) return wanted;
  return vocabulary.find(holds);
}

/** The most telling plain phrase for how two objects stand, for the critique's sentence. */
const plainOrder: GeometricClass[] = ["left", "right", "on", "under", "above", "below", "in-front", "behind", "inside", "touching", "near"];

function plainRelation(subject: Placement, object: Placement): string | undefined {
  const seen = plainOrder.find((geometricClass) => relationHolds(geometricClass, subject, object));
  return seen ? canonicalPhrase(seen) : undefined;
}

function dedupeRelations(relations: Relation[]): Relation[] {
  const seen = new Set<string>();
  return relations.filter((relation) => {
    const key = `${relation.subject}\u0000${relation.predicate}\u0000${relation.object}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
