import { insideFrame, proposeRelative, randomPlacement, relationSatisfied, visibleEnough, type ObjectSpec } from "./layout";
import { createRng, type Rng } from "./random";
import { renderScene, type PlacedObject, type SceneLayout } from "./world/render";
import type { SpriteLibrary } from "./world/sprite-library";
import type { WorldStyle } from "./world/world";
import type { RasterImage } from "../../image/raster";
import { classifyPredicate, inverseClass } from "../../metrics/predicates";
import type { GeometricClass } from "../../metrics/spatial-geometry";
import { RoleError, throwIfAborted } from "../../roles/errors";
import type { Diffuser, RoleCallOptions, RoleResult } from "../../roles/types";
import { parsePrompt } from "../../scene-graph/parse-prompt";
import type { SceneGraph } from "../../scene-graph/schema";
import { asColourName, colourOf, sizeFactorOf } from "../../scene-graph/vocabulary";

/**
 * The embedded "diffusion model". It reads the prompt the way a bag-of-words text encoder does,
 * which is the documented reason real models get spatial relations wrong: it knows which objects
 * and attributes were asked for, but the relation between them barely reaches the image.
 * It draws every object it recognises, places them mostly at random, and honours each relation
 * only with probability `relationFidelity`. It also drops objects, merges repeated ones and
 * leaks colours onto the wrong object at configurable rates. Defaults are calibrated against
 * published SDXL single-shot scores (see README, "Calibration").
 */
export interface DiffuserBehaviour {
  /** Chance that one relation of the prompt is honoured in the layout. */
  relationFidelity: number;
  /** Chance that an object of the prompt is not drawn at all. */
  dropRate: number;
  /** Chance that a repeated object ("two cups") is drawn once instead of twice. */
  mergeRate: number;
  /** Chance that a colour word lands on another object of the prompt instead of its own. */
  attributeLeakRate: number;
}

/** Chosen by `npm run calibrate` (100 LAION-SG-format graphs; figures in the README). */
export const defaultDiffuserBehaviour: DiffuserBehaviour = {
  relationFidelity: 0.2,
  dropRate: 0.03,
  mergeRate: 0.3,
  attributeLeakRate: 0.15,
};

const PLACEMENT_TRIES = 40;
const LAYOUT_ATTEMPTS = 6;

interface SpecNode extends ObjectSpec {
  id: string;
}

export class SimDiffuser implements Diffuser {
  readonly name = "sim";

  constructor(
    private readonly library: SpriteLibrary,
    private readonly style: WorldStyle,
    readonly behaviour: DiffuserBehaviour = defaultDiffuserBehaviour,
  ) {}

  async generate(prompt: string, options: RoleCallOptions): Promise<RoleResult & { image: RasterImage }> {
    throwIfAborted("diffuser", options.signal);
    const { layout, warnings } = await this.compose(prompt, options.seed);
    throwIfAborted("diffuser", options.signal);
    const rendered = await renderScene(layout, this.library);
    return { image: rendered.image, warnings: [...warnings, ...rendered.warnings] };
  }

  /**
   * The layout `generate` would draw for this prompt and seed. The loop never sees it (roles
   * exchange pixels only); tests and benchmarks use it as ground truth for the Checker.
   */
  async compose(prompt: string, seed: number): Promise<{ layout: SceneLayout; warnings: string[] }> {
    const warnings: string[] = [];
    const graph = this.read(prompt, warnings);
    const rng = createRng(seed);
    const { specs, relations } = corrupt(graph, this.behaviour, rng);
    await this.library.load(specs.map((spec) => spec.label));
    return { layout: { style: this.style, objects: this.layOut(specs, relations, rng) }, warnings };
  }

  /** Text in, objects and attributes out; when the grammar fails, fall back to spotting nouns. */
  private read(prompt: string, warnings: string[]): SceneGraph {
    try {
      return parsePrompt(prompt);
    } catch (error) {
      const words = prompt.toLowerCase().match(/[a-z]+/g) ?? [];
      const objects = words
        .filter((word) => word.length > 2 && this.library.resolve(word).warnings.length === 0)
        .map((label, index) => ({ id: `word-${index}`, label, attributes: [] as string[] }));
      if (objects.length === 0) {
        throw new RoleError("diffuser", "invalid_input", `nothing in the prompt names an object it can draw: ${(error as Error).message}`);
      }
      warnings.push(`diffuser: read the prompt as a bag of words (${(error as Error).message})`);
      return { objects, relations: [] };
    }
  }

  /**
   * Places anchors first, each related object against its anchor. A sequential layout can paint
   * itself into a corner (an anchor at the bottom edge leaves no room "below" it), so it tries a
   * few complete layouts and keeps the one that honours the most relations.
   */
  private layOut(specs: SpecNode[], relations: HonouredRelation[], rng: Rng): PlacedObject[] {
    let best: { objects: PlacedObject[]; honoured: number } | undefined;
    for (let attempt = 0; attempt < LAYOUT_ATTEMPTS; attempt++) {
      const placed = new Map<string, PlacedObject>();
      let honoured = 0;
      for (const spec of placementOrder(specs, relations)) {
        const constraints = relations.flatMap((relation): { relation: GeometricClass; anchorId: string }[] => {
          if (relation.subject === spec.id && placed.has(relation.object)) return [{ relation: relation.relation, anchorId: relation.object }];
          const inverse = inverseClass(relation.relation);
          if (relation.object === spec.id && placed.has(relation.subject) && inverse) return [{ relation: inverse, anchorId: relation.subject }];
          return [];
        });
        const { object, satisfied } = this.placeOne(spec, constraints, placed, rng);
        placed.set(spec.id, object);
        if (satisfied) honoured += constraints.length;
      }
      const objects = specs.map((spec) => placed.get(spec.id)!);
      if (!best || honoured > best.honoured) best = { objects, honoured };
      if (honoured === relations.length) break;
    }
    return best!.objects;
  }

  private placeOne(
    spec: SpecNode,
    constraints: { relation: GeometricClass; anchorId: string }[],
    placed: Map<string, PlacedObject>,
    rng: Rng,
  ): { object: PlacedObject; satisfied: boolean } {
    const { library, style } = this;
    const acceptable = (candidate: PlacedObject, liftedAnchor?: { id: string; object: PlacedObject }) => {
      const scene = new Map(placed);
      if (liftedAnchor) scene.set(liftedAnchor.id, liftedAnchor.object);
      if (!insideFrame(candidate, library, style) || (liftedAnchor && !insideFrame(liftedAnchor.object, library, style))) return false;
      if (!visibleEnough([...scene.values(), candidate], library, style)) return false;
      return constraints.every(({ relation, anchorId }) => relationSatisfied(relation, candidate, scene.get(anchorId)!, library, style));
    };
    const primary = constraints[0];
    if (primary) {
      for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
        const proposal = proposeRelative(spec, primary.relation, placed.get(primary.anchorId)!, rng, library, style);
        const lifted = proposal.anchor ? { id: primary.anchorId, object: proposal.anchor } : undefined;
        if (acceptable(proposal.subject, lifted)) {
          if (lifted) placed.set(lifted.id, lifted.object);
          return { object: proposal.subject, satisfied: true };
        }
      }
    }
    // Unconstrained, or no relation-honouring spot found: anywhere readable.
    let candidate = randomPlacement(spec, rng, style);
    for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
      if (insideFrame(candidate, library, style) && visibleEnough([...placed.values(), candidate], library, style)) break;
      candidate = randomPlacement(spec, rng, style);
    }
    return { object: candidate, satisfied: constraints.length === 0 };
  }
}

interface HonouredRelation {
  subject: string;
  object: string;
  relation: GeometricClass;
}

/** What the bag-of-words reading keeps of the prompt: objects (some dropped or merged), leaked colours, few relations. */
export function corrupt(graph: SceneGraph, behaviour: DiffuserBehaviour, rng: Rng): { specs: SpecNode[]; relations: HonouredRelation[] } {
  const seenLabels = new Set<string>();
  const kept = graph.objects.filter((object) => {
    const repeated = seenLabels.has(object.label);
    seenLabels.add(object.label);
    if (repeated && rng.chance(behaviour.mergeRate)) return false;
    return !rng.chance(behaviour.dropRate);
  });
  if (kept.length === 0 && graph.objects.length > 0) kept.push(graph.objects[0]!);

  const colours = kept.map((object) => colourOf(object.attributes));
  if (kept.length > 1) {
    kept.forEach((_, index) => {
      if (colours[index] && rng.chance(behaviour.attributeLeakRate)) {
        const other = (index + rng.integer(1, kept.length - 1)) % kept.length;
        colours[other] = colours[index];
        colours[index] = undefined;
      }
    });
  }
  const specs = kept.map((object, index) => ({
    id: object.id,
    label: object.label,
    ...(colours[index] ? { colour: colours[index] } : {}),
    sizeFactor: sizeFactorOf(object.attributes.filter((attribute) => !asColourName(attribute))),
  }));
  const keptIds = new Set(kept.map((object) => object.id));
  const relations = graph.relations
    .filter((relation) => keptIds.has(relation.subject) && keptIds.has(relation.object))
    .filter(() => rng.chance(behaviour.relationFidelity))
    .map((relation) => ({ subject: relation.subject, object: relation.object, relation: classifyPredicate(relation.predicate).geometricClass }));
  return { specs, relations };
}

/** Anchors before the objects related to them (breadth-first over honoured relations). */
function placementOrder(specs: SpecNode[], relations: HonouredRelation[]): SpecNode[] {
  const byId = new Map(specs.map((spec) => [spec.id, spec]));
  const order: SpecNode[] = [];
  const visited = new Set<string>();
  const subjects = new Set(relations.map((relation) => relation.subject));
  const roots = [...specs.filter((spec) => !subjects.has(spec.id)), ...specs.filter((spec) => subjects.has(spec.id))];
  for (const root of roots) {
    if (visited.has(root.id)) continue;
    const queue = [root.id];
    visited.add(root.id);
    while (queue.length > 0) {
      const id = queue.shift()!;
      order.push(byId.get(id)!);
      for (const relation of relations) {
        const next = relation.subject === id ? relation.object : relation.object === id ? relation.subject : undefined;
        if (next && !visited.has(next)) {
          visited.add(next);
          queue.push(next);
        }
      }
    }
  }
  return order;
}
