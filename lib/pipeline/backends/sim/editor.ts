import { ScenePainter, type Occupant } from "./editor-painter";
import { choosePlacement, defaultEditorPolicy, placementFeatures, type EditorPolicy } from "./editor-policy";
import { detectObjects, type Detection } from "./world/detect";
import { parseInstruction, InstructionParseError, NATURAL_COLOUR, referenceText, splitInstruction, splitSceneContext, type ObjectReference, type SingleEdit } from "./instructions";
import { groundedAt, insideFrame, proposeRelative, randomPlacement, relationSatisfied, type ObjectSpec } from "./layout";
import { createRng, type Rng } from "./random";
import { objectRect, paintOrder, type PlacedObject } from "./world/render";
import type { SpriteLibrary } from "./world/sprite-library";
import { horizonY, perspectiveHeight, type WorldStyle } from "./world/world";
import { cloneRaster, type RasterImage } from "../../image/raster";
import { intersectionArea, type GeometricClass } from "../../metrics/spatial-geometry";
import { throwIfAborted } from "../../roles/errors";
import type { Editor, RoleCallOptions, RoleResult } from "../../roles/types";
import type { Box } from "../../scene-graph/schema";
import { sizeFactorOf } from "../../scene-graph/vocabulary";
import { clonePixelTruth, pixelTruthToEdit, recordDrawn } from "./world/ledger";

/** A placement choice the Editor made: the features of every valid spot, and the one it took. */
export interface PlacementDecision {
  candidates: number[][];
  chosen: number;
}

/** Picks one of the candidate spots (their feature vectors); a trainer passes its own to replay a choice. */
export type PlacementChooser = (candidates: readonly (readonly number[])[], rng: Rng) => number;

const PLACEMENT_TRIES = 120;
/** A new placement may hide at most this share of another object's box (and vice versa). */
const MAX_HIDDEN_SHARE = 0.4;
/** ... and of any other object's box: the detector still finds objects with 55% showing. */
const BYSTANDER_HIDDEN_SHARE = 0.3;
/** When the anchor must make room: the subject spots gathered per trial spot of the anchor. */
const SPOTS_PER_MOVED_ANCHOR = 3;

/**
 * The embedded image editor (the "inverse diffuser"). It sees only the image and the instruction:
 * it parses the instruction, finds the objects it names by their pixels (the world's detector),
 * erases the object (filling in the background), and draws it again where the instruction says,
 * in front of or behind what is already there. Other pixels stay as they were. Where it moves
 * something is a sampled choice (seeded), so a trainer can sample several edits of one state.
 *
 * An instruction it cannot follow (unparseable, or naming an object it cannot find) leaves the
 * image unchanged and says so in the warnings.
 *
 * Placement policy (sampleable, for training): it gathers up to `candidates` valid spots and
 * picks one with the linear-softmax policy of editor-policy.ts. The hand-tuned default prefers
 * small displacements, which keep the relations the instruction did not mention.
 */
export class SimEditor implements Editor {
  readonly name = "sim";

  constructor(
    private readonly library: SpriteLibrary,
    private readonly style: WorldStyle,
    readonly policy: EditorPolicy = defaultEditorPolicy,
  ) {
    this.painter = new ScenePainter(library, style);
  }

  private readonly painter: ScenePainter;

  /** The same Editor with another placement policy (a trained checkpoint's). */
  withPolicy(policy: EditorPolicy): SimEditor {
    return new SimEditor(this.library, this.style, policy);
  }

  async edit(image: RasterImage, instruction: string, options: RoleCallOptions): Promise<RoleResult & { image: RasterImage }> {
    const { decisions: _decisions, ...result } = await this.editWith(image, instruction, options, (candidates, rng) => choosePlacement(this.policy, candidates, rng));
    return result;
  }

  /**
   * `edit`, with the placement choices made by `choose` and reported. The spots a clause weighs
   * depend only on the image, the instruction and the seed, so a trainer can read them once and
   * replay each choice it samples.
   */
  async editWith(image: RasterImage, instruction: string, options: RoleCallOptions, choose: PlacementChooser): Promise<RoleResult & { image: RasterImage; decisions: PlacementDecision[] }> {
    throwIfAborted("editor", options.signal);
    const context = splitSceneContext(instruction);
    const clauses = splitInstruction(context.instruction);
    const rng = createRng(options.seed);
    const warnings: string[] = [];
    const decisions: PlacementDecision[] = [];
    let canvas = image;
    // The world's record of what it drew in `image` (none when it did not draw it), kept up to
    // date by the brush for the oracle Scorer. The Editor's decisions never read it.
    let truth = pixelTruthToEdit(image);
    // Clauses apply one after the other, each to the image the previous one left.
    for (const clause of clauses) {
      let edit: SingleEdit;
      try {
        edit = parseInstruction(clause);
      } catch (error) {
        if (!(error instanceof InstructionParseError)) throw error;
        warnings.push(`cannot follow ${clauses.length > 1 ? `"${clause}"` : "the instruction"}, image unchanged: ${error.message}`);
        continue;
      }
      const named = [edit.subject.label, ...("anchor" in edit && edit.anchor ? [edit.anchor.label] : [])];
      const labels = [...new Set([...named, ...context.labels])];
      await this.library.load(labels);
      throwIfAborted("editor", options.signal);
      const detections = detectObjects(canvas, labels, this.library, this.style);
      const next = cloneRaster(canvas);
      const nextTruth = truth && clonePixelTruth(truth);
      if (nextTruth) this.painter.track(next, nextTruth);
      const outcome = this.apply(edit, next, detections, rng, (candidates) => {
        const chosen = choose(candidates, rng);
        decisions.push({ candidates: candidates.map((features) => [...features]), chosen });
        return chosen;
      });
      if (outcome.ok) {
        canvas = next;
        truth = nextTruth;
        warnings.push(...outcome.warnings);
      } else {
        warnings.push(`${outcome.reason}; ${clauses.length > 1 ? "that part left undone" : "image unchanged"}`);
      }
    }
    if (truth && canvas !== image) recordDrawn(canvas, truth);
    return { image: canvas, warnings, decisions };
  }

  private apply(edit: SingleEdit, canvas: RasterImage, detections: Detection[], rng: Rng, choose: (candidates: readonly (readonly number[])[]) => number): { ok: true; warnings: string[] } | { ok: false; reason: string } {
    const find = (reference: ObjectReference) => findObject(reference, detections);
    switch (edit.kind) {
      case "remove": {
        const subject = find(edit.subject);
        if (!subject) return { ok: false, reason: `cannot find ${referenceText(edit.subject)} to remove` };
        this.painter.erase(canvas, subject, detections.filter((other) => other !== subject));
        return { ok: true, warnings: [] };
      }
      case "recolour": {
        const subject = find(edit.subject);
        if (!subject) return { ok: false, reason: `cannot find ${referenceText(edit.subject)} to recolour` };
        const { colour: _current, ...uncoloured } = this.painter.asPlaced(subject);
        const placed: PlacedObject = edit.colour === NATURAL_COLOUR ? uncoloured : { ...uncoloured, colour: edit.colour };
        const others = detections.filter((other) => other !== subject);
        this.painter.erase(canvas, subject, others);
        this.painter.draw(canvas, placed, others);
        return { ok: true, warnings: [] };
      }
      case "move":
      case "add": {
        const subject = edit.kind === "move" ? find(edit.subject) : undefined;
        if (edit.kind === "move" && !subject) return { ok: false, reason: `cannot find ${referenceText(edit.subject)} to move` };
        const anchor = edit.anchor ? find(edit.anchor) : undefined;
        if (edit.anchor && !anchor) return { ok: false, reason: `cannot find ${referenceText(edit.anchor)} to place against` };
        const spec = subject ? this.specOf(subject) : specFromReference(edit.subject);
        const others = detections.filter((other) => other !== subject);
        const anchorAt = anchor ? this.painter.asPlaced(anchor) : undefined;
        let plans = this.placementOptions(spec, edit.relation, anchor, others, rng, anchorAt, this.policy.candidates);
        if (plans.length === 0 && anchor && edit.relation) plans = this.roomMakingOptions(spec, edit.relation, anchor, others, rng);
        if (plans.length === 0) return { ok: false, reason: `found no free spot ${edit.relation ? "that satisfies the relation" : "for it"}` };
        const plan = plans[choose(plans.map((option) => this.featuresOf(option, subject, anchor, others)))]!;
        if (subject) this.painter.erase(canvas, subject, others);
        if (!plan.anchor) {
          this.painter.draw(canvas, plan.subject, others);
          return { ok: true, warnings: [] };
        }
        // The anchor had to move too: lifted onto the subject ("under"), or out of a cramped spot.
        const bystanders = others.filter((other) => other !== anchor);
        this.painter.erase(canvas, anchor!, bystanders);
        const [first, second] = paintOrder([plan.subject, plan.anchor]).map((index) => [plan.subject, plan.anchor!][index]!);
        this.painter.draw(canvas, first!, bystanders);
        this.painter.draw(canvas, second!, [...bystanders, this.asOccupant(first!)]);
        return { ok: true, warnings: [`moved ${referenceText(edit.anchor!)} as well to make room`] };
      }
    }
  }

  private specOf(detection: Detection): ObjectSpec {
    const placed = this.painter.asPlaced(detection);
    return {
      label: placed.label,
      ...(placed.colour ? { colour: placed.colour } : {}),
      sizeFactor: placed.height / perspectiveHeight(placed.groundY, 1, this.style),
    };
  }

  /**
   * Up to `limit` spots to draw `spec` so the relation to the anchor holds and no one is hidden
   * too much. For "under" the anchor itself has to rest on the subject, so a plan may move the
   * anchor too.
   */
  private placementOptions(
    spec: ObjectSpec,
    relation: GeometricClass | undefined,
    anchor: Occupant | undefined,
    others: readonly Occupant[],
    rng: Rng,
    anchorAt: PlacedObject | undefined,
    limit: number,
  ): Placement[] {
    const overlapAllowed = relation === "in-front" || relation === "behind" || relation === "inside" || relation === "on" || relation === "under";
    const valid: Placement[] = [];
    for (let attempt = 0; attempt < PLACEMENT_TRIES && valid.length < limit; attempt++) {
      const proposal =
        relation && anchorAt
          ? proposeRelative(spec, relation, anchorAt, rng, this.library, this.style)
          : { subject: groundedAt(spec, rng.range(40, this.style.width - 40), rng.range(horizonY(this.style) + 40, this.style.height - 2), this.style) };
      const { subject } = proposal;
      const finalAnchor = proposal.anchor ?? anchorAt;
      if (!insideFrame(subject, this.library, this.style)) continue;
      if (proposal.anchor && !insideFrame(proposal.anchor, this.library, this.style)) continue;
      if (relation && finalAnchor && !relationSatisfied(relation, subject, finalAnchor, this.library, this.style)) continue;
      const room = proposal.anchor ? others.filter((other) => other !== anchor) : others;
      if (!this.keepsOthersVisible(subject, room, overlapAllowed ? anchor : undefined)) continue;
      valid.push(proposal.anchor ? { subject, anchor: proposal.anchor } : { subject });
    }
    return valid;
  }

  /** Plans that re-place the anchor (mostly a little), then the subject against it. */
  private roomMakingOptions(spec: ObjectSpec, relation: GeometricClass, anchor: Detection, others: readonly Occupant[], rng: Rng): Placement[] {
    const anchorFrom = this.painter.asPlaced(anchor);
    const anchorSpec = this.specOf(anchor);
    const bystanders = others.filter((other) => other !== anchor);
    const valid: Placement[] = [];
    for (let attempt = 0; attempt < PLACEMENT_TRIES && valid.length < this.policy.candidates; attempt++) {
      // Mostly small shifts of the anchor (its own relations likely survive), sometimes anywhere.
      const moved = rng.chance(0.7) ? nudged(anchorFrom, anchorSpec, rng, this.style) : randomPlacement(anchorSpec, rng, this.style);
      if (!insideFrame(moved, this.library, this.style) || !this.keepsOthersVisible(moved, bystanders, undefined)) continue;
      const occupant = this.asOccupant(moved);
      const spots = this.placementOptions(spec, relation, occupant, [...bystanders, occupant], rng, moved, SPOTS_PER_MOVED_ANCHOR);
      valid.push(...spots.map((spot) => ({ subject: spot.subject, anchor: spot.anchor ?? moved })));
    }
    return valid.slice(0, this.policy.candidates);
  }

  /** The policy's view of a plan (editor-policy.ts): how far things move, which relations flip, what it hides. */
  private featuresOf(plan: Placement, subject: Detection | undefined, anchor: Detection | undefined, others: readonly Occupant[]): number[] {
    const bystanders = others.filter((other) => other !== anchor);
    const moved = [plan.subject, ...(plan.anchor ? [plan.anchor] : [])];
    return placementFeatures({
      width: this.style.width,
      subjectShift: displacement(subject && this.painter.asPlaced(subject), plan.subject),
      anchorShift: displacement(anchor && this.painter.asPlaced(anchor), plan.anchor),
      anchorMoved: plan.anchor !== undefined,
      moves: [
        { ...(subject ? { before: subject } : {}), after: this.asOccupant(plan.subject) },
        ...(plan.anchor && anchor ? [{ before: anchor, after: this.asOccupant(plan.anchor) }] : []),
      ],
      bystanders,
      occlusion: Math.max(0, ...moved.flatMap((object) => bystanders.map((other) => this.hiddenShare(object, other)))),
    });
  }

  private boxOf(placed: PlacedObject): Box {
    const rect = objectRect(placed, this.library);
    return { x: rect.left / this.style.width, y: rect.top / this.style.height, width: rect.width / this.style.width, height: rect.height / this.style.height };
  }

  /** A placed object as the Editor's other bookkeeping sees detections: a box and a depth. */
  private asOccupant(placed: PlacedObject): Occupant {
    return { box: this.boxOf(placed), depth: placed.depth };
  }

  /**
   * Box-level occlusion budget: the nearer of two overlapping objects may hide at most
   * MAX_HIDDEN_SHARE of the farther one's box (the anchor of a depth relation) or half that.
   */
  private keepsOthersVisible(candidate: PlacedObject, others: readonly Occupant[], allowedOverlap: Occupant | undefined): boolean {
    return others.every((other) => this.hiddenShare(candidate, other) <= (other === allowedOverlap ? MAX_HIDDEN_SHARE : BYSTANDER_HIDDEN_SHARE));
  }

  /** The share of the farther object's box that the nearer of the two hides (0 when they do not overlap). */
  private hiddenShare(candidate: PlacedObject, other: Occupant): number {
    const box = this.boxOf(candidate);
    const overlap = intersectionArea(box, other.box);
    if (overlap === 0) return 0;
    return candidate.depth < other.depth ? overlap / (other.box.width * other.box.height) : overlap / (box.width * box.height);
  }
}

/** Where the edited object goes, and where its anchor goes when it has to move as well. */
interface Placement {
  subject: PlacedObject;
  anchor?: PlacedObject;
}

/** The same object a little to the side and/or a little nearer or farther, standing on the ground. */
function nudged(from: PlacedObject, spec: ObjectSpec, rng: Rng, style: WorldStyle): PlacedObject {
  const groundY = Math.min(style.height - 2, Math.max(horizonY(style) + 10, from.groundY + rng.range(-40, 40)));
  return groundedAt(spec, from.centreX + rng.range(-120, 120), groundY, style);
}

/** How far an object's base point moves, in pixels (0 when it did not exist or does not move). */
function displacement(from: PlacedObject | undefined, to: PlacedObject | undefined): number {
  if (!from || !to) return 0;
  return Math.hypot(to.centreX - from.centreX, to.baseY - from.baseY);
}

function specFromReference(reference: ObjectReference): ObjectSpec {
  return { label: reference.label, ...(reference.colour ? { colour: reference.colour } : {}), sizeFactor: sizeFactorOf(reference.size ? [reference.size] : []) };
}

/** The detection an instruction's reference means: same label, preferring the named colour, then the ordinal. */
export function findObject(reference: ObjectReference, detections: Detection[]): Detection | undefined {
  const label = reference.label.toLowerCase();
  let candidates = detections.filter((detection) => detection.label.toLowerCase() === label);
  if (reference.colour) {
    const coloured = candidates.filter((detection) => detection.colour === reference.colour);
    if (coloured.length > 0) candidates = coloured;
  }
  if (candidates.length <= 1) return candidates[0];
  const centreX = (detection: Detection) => detection.box.x + detection.box.width / 2;
  switch (reference.ordinal) {
    case "leftmost":
      return candidates.reduce((best, detection) => (centreX(detection) < centreX(best) ? detection : best));
    case "rightmost":
      return candidates.reduce((best, detection) => (centreX(detection) > centreX(best) ? detection : best));
    case "front":
      return candidates.reduce((best, detection) => (detection.depth < best.depth ? detection : best));
    case "back":
      return candidates.reduce((best, detection) => (detection.depth > best.depth ? detection : best));
    default:
      return candidates.reduce((best, detection) => (detection.score > best.score ? detection : best));
  }
}
