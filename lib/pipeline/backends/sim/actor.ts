import { createRng, type Rng } from "./random";
import { formatInstruction, NATURAL_COLOUR, splitSceneContext, withSceneContext, type EditInstruction, type ObjectReference, type Ordinal } from "./instructions";
import { classifyPredicate, inverseClass } from "../../metrics/predicates";
import { centre } from "../../metrics/spatial-geometry";
import { throwIfAborted } from "../../roles/errors";
import type { Actor, ActorInput, Critique, RoleCallOptions, RoleResult, TripleVerdict } from "../../roles/types";
import { colourOf, sizeFactors, type ColourName } from "../../scene-graph/vocabulary";
import type { SceneGraph, SceneObject } from "../../scene-graph/schema";

/**
 * The embedded Actor: a stochastic policy over candidate edits derived from the Checker's
 * critique. Its parameters are explicit so Reflection-GRPO can sample groups of edits and
 * move them; `greedy` takes the most probable edit for deterministic runs.
 *
 * logit(edit) = kindWeight[kind] + severityWeight * (triples the edit can repair)
 *              - disruptionWeight * (satisfied triples of the object it moves, which the move may break)
 *              - repeatPenalty * [instruction already tried]
 * p(edit) = softmax(logit / temperature)
 *
 * A bundle joins independent fixes into one instruction ("make the blue boat white, and move the
 * cup to the left of the laptop"): colours, missing objects, and moves that disturb no satisfied
 * triple, with no object both moved by one clause and used by another. Its logit is the best
 * clause's plus kindWeights.bundle; set that very low to keep the Actor to one fix per turn.
 */
export type EditKind = "add" | "remove" | "recolour" | "move-subject" | "move-object" | "bundle";

export interface ActorPolicy {
  kindWeights: Record<EditKind, number>;
  /** Extra logit per target triple an edit can repair (objects in many triples matter more). */
  severityWeight: number;
  /** Logit lost per satisfied triple of the object an edit moves (moving it may break them). */
  disruptionWeight: number;
  repeatPenalty: number;
  temperature: number;
  greedy: boolean;
}

export const defaultActorPolicy: ActorPolicy = {
  // Colours first (a wrong colour breaks every triple of its object and moves nothing), then
  // missing objects, then moves; removing is last because the Checker may merely have missed it.
  kindWeights: { recolour: 2.5, add: 2, "move-subject": 1.2, "move-object": 0.8, remove: 0.3, bundle: 0.5 },
  severityWeight: 0.4,
  disruptionWeight: 1,
  repeatPenalty: 2.5,
  temperature: 1,
  greedy: true,
};

export interface EditProposal {
  kind: EditKind;
  edit: EditInstruction;
  instruction: string;
  logit: number;
  probability: number;
  /**
   * What the logit is made of: logit = policyVector(policy) . features (see actorFeatureNames), so
   * a trainer can differentiate the policy (a linear softmax over these features, at `temperature`).
   */
  features: number[];
}

export const editKinds: readonly EditKind[] = ["add", "remove", "recolour", "move-subject", "move-object", "bundle"];

/** The Actor's trainable parameters, in the order of `EditProposal.features`. */
export const actorFeatureNames = [...editKinds.map((kind) => `kind:${kind}`), "severity", "disruption", "repeat"] as const;

/** The policy's parameters as a vector (kind weights, severityWeight, disruptionWeight, repeatPenalty). */
export function policyVector(policy: ActorPolicy): number[] {
  return [...editKinds.map((kind) => policy.kindWeights[kind]), policy.severityWeight, policy.disruptionWeight, policy.repeatPenalty];
}

/** A policy with `vector`'s parameters and `base`'s temperature and mode. */
export function policyFromVector(vector: readonly number[], base: ActorPolicy = defaultActorPolicy): ActorPolicy {
  if (vector.length !== actorFeatureNames.length) throw new RangeError(`an Actor policy has ${actorFeatureNames.length} parameters, got ${vector.length}`);
  const kindWeights = Object.fromEntries(editKinds.map((kind, index) => [kind, vector[index]!])) as Record<EditKind, number>;
  const [severityWeight, disruptionWeight, repeatPenalty] = vector.slice(editKinds.length) as [number, number, number];
  return { ...base, kindWeights, severityWeight, disruptionWeight, repeatPenalty };
}

/** Feature vector of a draft: one-hot kind, severity, minus disruption, minus "was tried before". */
function featuresOf(kind: EditKind, severity: number, disruption: number, repeats: number): number[] {
  return [...editKinds.map((candidate) => (candidate === kind ? 1 : 0)), severity, -disruption, -repeats];
}

/** Where the detected instances of a label sit, so the Actor can say "the leftmost cup". */
type InstancePositions = Map<string, { targetId: string; x: number }[]>;

/** Every edit the policy would consider for this critique, with its probability. */
export function proposeEdits(input: Pick<ActorInput, "target" | "critique" | "history">, policy: ActorPolicy = defaultActorPolicy): EditProposal[] {
  const { target, critique } = input;
  const objects = new Map(target.objects.map((object) => [object.id, object]));
  const instances = instancePositions(input);
  const reference = (id: string) => referenceFor(objects.get(id)!, target, instances);
  const triplesOf = (id: string) => critique.triples.filter((triple) => triple.subject === id || triple.object === id).length;
  const drafts: Draft[] = [];
  // Satisfied triples an object takes part in, apart from the one being repaired.
  const heldBy = (id: string, except: TripleVerdict) =>
    critique.triples.filter((triple) => triple !== except && triple.status === "satisfied" && (triple.subject === id || triple.object === id)).length;

  for (const id of critique.missingObjects) {
    const object = objects.get(id)!;
    const anchored = critique.triples.find((triple) => triple.subject === id && !critique.missingObjects.includes(triple.object));
    const subject = addReference(object);
    if (anchored) {
      const relation = classifyPredicate(anchored.predicate).geometricClass;
      drafts.push({
        kind: "add",
        edit: { kind: "add", subject, relation, anchor: reference(anchored.object) },
        severity: triplesOf(id),
        disruption: 0,
        moves: id,
        uses: [anchored.object],
      });
    } else {
      const reverse = critique.triples.find((triple) => triple.object === id && !critique.missingObjects.includes(triple.subject));
      const inverse = reverse ? inverseClass(classifyPredicate(reverse.predicate).geometricClass) : undefined;
      drafts.push({
        kind: "add",
        edit: reverse && inverse ? { kind: "add", subject, relation: inverse, anchor: reference(reverse.subject) } : { kind: "add", subject },
        severity: triplesOf(id),
        disruption: 0,
        moves: id,
        uses: reverse && inverse ? [reverse.subject] : [],
      });
    }
  }

  for (const triple of critique.triples) {
    if (triple.status !== "violated") continue;
    const relation = classifyPredicate(triple.predicate).geometricClass;
    drafts.push({
      kind: "move-subject",
      edit: { kind: "move", subject: reference(triple.subject), relation, anchor: reference(triple.object) },
      severity: 1,
      // "put A under B" lifts B onto A: both move, so both objects' other triples are at stake.
      disruption: heldBy(triple.subject, triple) + (relation === "under" ? heldBy(triple.object, triple) : 0),
      moves: triple.subject,
      uses: [triple.object],
    });
    const inverse = inverseClass(relation);
    if (inverse) {
      drafts.push({
        kind: "move-object",
        edit: { kind: "move", subject: reference(triple.object), relation: inverse, anchor: reference(triple.subject) },
        severity: 1,
        disruption: heldBy(triple.object, triple) + (inverse === "under" ? heldBy(triple.subject, triple) : 0),
        moves: triple.object,
        uses: [triple.subject],
      });
    }
  }

  for (const mismatch of critique.attributeMismatches) {
    const wanted = colourOf(mismatch.expected);
    const seen = colourOf(mismatch.observed);
    if (wanted === seen) continue;
    // A colour nobody asked for is undone ("its natural colour"); a wrong one is replaced.
    drafts.push({
      kind: "recolour",
      edit: { kind: "recolour", subject: { ...reference(mismatch.objectId), ...(seen ? { colour: seen } : {}) }, colour: wanted ?? NATURAL_COLOUR },
      severity: triplesOf(mismatch.objectId) * 0.5 + 0.5,
      disruption: 0,
      moves: mismatch.objectId,
      uses: [],
    });
  }

  for (const extra of critique.extraObjects) {
    drafts.push({ kind: "remove", edit: { kind: "remove", subject: extraReference(extra, critique, instances) }, severity: 0.5, disruption: 0, moves: extra.detectedId, uses: [] });
  }

  const tried = new Set(input.history.map((line) => splitSceneContext(line).instruction.trim().toLowerCase()));
  const theta = policyVector(policy);
  const scored = drafts.map((draft) => {
    const instruction = formatInstruction(draft.edit);
    const features = featuresOf(draft.kind, draft.severity, draft.disruption, tried.has(instruction) ? 1 : 0);
    return { ...draft, instruction, features, logit: dot(theta, features) };
  });
  const bundle = bundleOf(scored, policy);
  if (bundle) {
    const instruction = formatInstruction(bundle.edit);
    // The bundle's logit is its first clause's plus the bundle weight (and its own repeat penalty).
    const features = bundle.features.map((value, index) => value + (index === editKinds.indexOf("bundle") ? 1 : 0) - (index === editKinds.length + 2 && tried.has(instruction) ? 1 : 0));
    scored.push({ ...bundle, instruction, features, logit: dot(theta, features) });
  }
  const unique = [...new Map(scored.map((proposal) => [proposal.instruction, proposal])).values()];
  const maxLogit = Math.max(...unique.map((proposal) => proposal.logit));
  const weights = unique.map((proposal) => Math.exp((proposal.logit - maxLogit) / policy.temperature));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return unique.map(({ kind, edit, instruction, logit, features }, index) => ({ kind, edit, instruction, logit, features, probability: weights[index]! / total }));
}

interface Draft {
  kind: EditKind;
  edit: EditInstruction;
  severity: number;
  disruption: number;
  /** The target object this edit changes (moves, adds, recolours or removes). */
  moves: string;
  /** Target objects it places against. */
  uses: string[];
}

/** The best compatible set of independent fixes, as one instruction (see header), or none. */
function bundleOf(scored: (Draft & { logit: number; features: number[] })[], policy: ActorPolicy): (Draft & { logit: number; features: number[] }) | undefined {
  const chosen: (Draft & { logit: number; features: number[] })[] = [];
  const moved = new Set<string>();
  const anchors = new Set<string>();
  const recoloured = new Set<string>();
  for (const draft of [...scored].sort((a, b) => b.logit - a.logit)) {
    if (draft.kind === "remove" || draft.edit.kind === "batch" || draft.disruption > 0) continue;
    if (draft.kind === "recolour") {
      // A colour change moves nothing: it only must not be given twice.
      if (recoloured.has(draft.moves)) continue;
      recoloured.add(draft.moves);
    } else {
      // A moved object must not move twice, nor be another clause's anchor, nor stand against a moved one.
      if (moved.has(draft.moves) || anchors.has(draft.moves) || draft.uses.some((id) => moved.has(id))) continue;
      moved.add(draft.moves);
      for (const id of draft.uses) anchors.add(id);
    }
    chosen.push(draft);
  }
  if (chosen.length < 2) return undefined;
  const edits = chosen.map((draft) => draft.edit).filter((edit): edit is Exclude<EditInstruction, { kind: "batch" }> => edit.kind !== "batch");
  return {
    kind: "bundle",
    edit: { kind: "batch", edits },
    severity: chosen.reduce((sum, draft) => sum + draft.severity, 0),
    disruption: 0,
    moves: chosen[0]!.moves,
    uses: [...anchors],
    logit: chosen[0]!.logit + policy.kindWeights.bundle,
    features: chosen[0]!.features,
  };
}

export function chooseEdit(proposals: EditProposal[], policy: ActorPolicy, rng: Rng): EditProposal | undefined {
  if (proposals.length === 0) return undefined;
  if (policy.greedy) return proposals.reduce((best, proposal) => (proposal.logit > best.logit ? proposal : best));
  let draw = rng.next();
  for (const proposal of proposals) {
    draw -= proposal.probability;
    if (draw <= 0) return proposal;
  }
  return proposals[proposals.length - 1];
}

export class SimActor implements Actor {
  readonly name = "sim";
  constructor(readonly policy: ActorPolicy = defaultActorPolicy) {}

  async act(input: ActorInput, options: RoleCallOptions): Promise<RoleResult & { instruction: string }> {
    throwIfAborted("actor", options.signal);
    const proposals = proposeEdits(input, this.policy);
    const chosen = chooseEdit(proposals, this.policy, createRng(options.seed));
    if (!chosen) return { instruction: "keep the image as it is", warnings: ["actor: the critique lists no problem to fix"] };
    return { instruction: withSceneContext(chosen.instruction, input.target.objects.map((object) => object.label)), warnings: [] };
  }
}

function addReference(object: SceneObject): ObjectReference {
  const size = object.attributes.find((attribute) => attribute in sizeFactors);
  const colour: ColourName | undefined = colourOf(object.attributes);
  return { label: object.label, ...(colour ? { colour } : {}), ...(size ? { size } : {}) };
}

/**
 * Names a target object so the Editor can find it in the pixels: its label, and when the
 * target holds several objects of that label, its place among the detected instances.
 */
function referenceFor(object: SceneObject, target: SceneGraph, instances: InstancePositions): ObjectReference {
  const reference: ObjectReference = { label: object.label };
  const siblings = target.objects.filter((candidate) => candidate.label === object.label);
  if (siblings.length < 2) return reference;
  const placed = instances.get(object.label) ?? [];
  const position = placed.findIndex((instance) => instance.targetId === object.id);
  if (placed.length < 2 || position < 0) return reference;
  const ordinal: Ordinal | undefined = position === 0 ? "leftmost" : position === placed.length - 1 ? "rightmost" : undefined;
  return ordinal ? { ...reference, ordinal } : reference;
}

/**
 * Names a surplus object so the Editor removes that one, not the wanted object of the same label:
 * "the leftmost cup" when it is the leftmost (or rightmost) of the cups seen, else just its label.
 */
function extraReference(extra: Critique["extraObjects"][number], critique: Critique, instances: InstancePositions): ObjectReference {
  const reference: ObjectReference = { label: extra.label };
  if (!extra.box) return reference;
  const wanted = (instances.get(extra.label) ?? []).map((instance) => instance.x);
  const others = critique.extraObjects.filter((other) => other !== extra && other.label === extra.label && other.box).map((other) => centre(other.box!).x);
  const seen = [...wanted, ...others];
  if (seen.length === 0) return reference;
  const x = centre(extra.box).x;
  if (seen.every((other) => x < other)) return { ...reference, ordinal: "leftmost" };
  if (seen.every((other) => x > other)) return { ...reference, ordinal: "rightmost" };
  return reference;
}

function instancePositions(input: Pick<ActorInput, "target" | "critique">): InstancePositions {
  const positions: InstancePositions = new Map();
  for (const object of input.target.objects) {
    const box = input.critique.locations[object.id];
    if (!box) continue;
    const list = positions.get(object.label) ?? [];
    list.push({ targetId: object.id, x: centre(box).x });
    positions.set(object.label, list);
  }
  for (const list of positions.values()) list.sort((a, b) => a.x - b.x);
  return positions;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}
