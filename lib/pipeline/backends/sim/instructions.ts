import { classifyPredicate } from "../../metrics/predicates";
import type { GeometricClass } from "../../metrics/spatial-geometry";
import { asColourName, sizeFactors, type ColourName } from "../../scene-graph/vocabulary";

/**
 * The edit language of the embedded world: what the sim Actor writes and the sim Editor reads.
 * It is plain English, so a real VLM Actor's instruction ("Move the red cup so it sits left of
 * the laptop") reaches the sim Editor too, and the sim Actor's instructions reach a real editor.
 */
export type SingleEdit =
  | { kind: "move"; subject: ObjectReference; relation: GeometricClass; anchor: ObjectReference }
  | { kind: "add"; subject: ObjectReference; relation?: GeometricClass; anchor?: ObjectReference }
  | { kind: "remove"; subject: ObjectReference }
  | { kind: "recolour"; subject: ObjectReference; colour: ColourName | typeof NATURAL_COLOUR };

/** One edit, or several in one instruction, applied in order ("make the boat white, and make the car blue"). */
export type EditInstruction = SingleEdit | { kind: "batch"; edits: SingleEdit[] };

/** "make the bird its natural colour": undo a colour nobody asked for. */
export const NATURAL_COLOUR = "natural";

/** Which instance, when the image holds several objects of the label. */
export type Ordinal = "leftmost" | "rightmost" | "front" | "back";

export interface ObjectReference {
  label: string;
  colour?: ColourName;
  size?: string;
  ordinal?: Ordinal;
}

const movePhrases: Record<GeometricClass, string> = {
  left: "to the left of",
  right: "to the right of",
  above: "above",
  below: "below",
  on: "on top of",
  under: "under",
  near: "next to",
  "in-front": "in front of",
  behind: "behind",
  inside: "inside",
  touching: "against",
};

export function referenceText(reference: ObjectReference): string {
  const ordinal = reference.ordinal ? `${reference.ordinal} ` : "";
  return ["the", ordinal + [reference.size, reference.colour, reference.label].filter(Boolean).join(" ")].join(" ").replace(/\s+/g, " ");
}

export function formatInstruction(edit: EditInstruction): string {
  switch (edit.kind) {
    case "move": {
      const verb = edit.relation === "in-front" ? "bring" : edit.relation === "behind" ? "put" : "move";
      return `${verb} ${referenceText(edit.subject)} ${movePhrases[edit.relation]} ${referenceText(edit.anchor)}`;
    }
    case "add": {
      const what = [edit.subject.size, edit.subject.colour, edit.subject.label].filter(Boolean).join(" ");
      const article = /^[aeiou]/i.test(what) ? "an" : "a";
      const where = edit.relation && edit.anchor ? ` ${movePhrases[edit.relation]} ${referenceText(edit.anchor)}` : "";
      return `add ${article} ${what}${where}`;
    }
    case "remove":
      // An ordinal says which copy goes ("remove the leftmost cup"); without one, any surplus copy.
      return edit.subject.ordinal ? `remove ${referenceText(edit.subject)}` : `remove the extra ${[edit.subject.colour, edit.subject.label].filter(Boolean).join(" ")}`;
    case "recolour":
      return `make ${referenceText(edit.subject)} ${edit.colour === NATURAL_COLOUR ? "its natural colour" : edit.colour}`;
    case "batch":
      return edit.edits.map(formatInstruction).join(", and ");
  }
}

/**
 * "make the blue boat white, and make the white car blue" -> two clauses. Splits on ";" and on
 * "and" / "then" when an edit verb follows, so "add a cup and saucer" stays one clause.
 */
export function splitInstruction(text: string): string[] {
  return text
    .split(/;|,?\s+(?:and|then|and then)\s+(?=(?:make|move|put|place|bring|add|insert|remove|delete|paint|turn|change|recolou?r)\b)/i)
    .map((clause) => clause.trim())
    .filter(Boolean);
}

/**
 * Editing models are usually prompted with a caption of the picture as well as the edit. The sim
 * Actor prefixes its instruction with the objects the picture should hold ("In a picture of a
 * cup, a laptop and a dog: move the cup to the left of the laptop"), and the sim Editor uses that
 * list to recognise what it must keep or repaint, not only the objects the edit names.
 */
const contextPrefix = /^\s*in a picture of (.+?):\s*/i;

export function withSceneContext(instruction: string, labels: readonly string[]): string {
  const unique = [...new Set(labels)];
  if (unique.length === 0) return instruction;
  const named = unique.map((label) => `${/^[aeiou]/i.test(label) ? "an" : "a"} ${label}`);
  const list = named.length === 1 ? named[0]! : `${named.slice(0, -1).join(", ")} and ${named[named.length - 1]!}`;
  return `In a picture of ${list}: ${instruction}`;
}

/** The caption's object labels (none when there is no caption) and the edit itself. */
export function splitSceneContext(text: string): { labels: string[]; instruction: string } {
  const match = contextPrefix.exec(text);
  if (!match) return { labels: [], instruction: text };
  const labels = match[1]!
    .split(/,\s*|\s+and\s+/)
    .map((part) => part.trim().replace(/^(?:a|an|the|some)\s+/i, ""))
    .filter(Boolean);
  return { labels, instruction: text.slice(match[0].length) };
}

export class InstructionParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InstructionParseError";
  }
}

const moveVerbs = ["move", "put", "place", "bring", "shift", "relocate", "position", "set", "drag", "push", "slide"];
const addVerbs = ["add", "insert", "draw", "include", "create", "introduce"];
const removeVerbs = ["remove", "delete", "erase", "eliminate"];
const recolourVerbs = ["make", "paint", "colour", "color", "recolour", "recolor", "turn", "change"];
const determiners = new Set(["the", "a", "an", "one", "that", "this"]);
const fillerWords = new Set(["extra", "additional", "surplus", "second", "other", "so", "it", "is", "sits", "stands"]);
const ordinalWords: Record<string, Ordinal> = {
  leftmost: "leftmost",
  left: "leftmost",
  rightmost: "rightmost",
  right: "rightmost",
  front: "front",
  frontmost: "front",
  nearest: "front",
  back: "back",
  farthest: "back",
  rear: "back",
};

/** Reads one instruction. Throws InstructionParseError naming what it could not follow. */
export function parseInstruction(text: string): SingleEdit {
  const words = text
    .toLowerCase()
    .replace(/[.,!;:]+/g, " ")
    .replace(/\bget rid of\b/g, "remove")
    .replace(/\btake away\b/g, "remove")
    .split(/\s+/)
    .filter(Boolean);
  if (words[0] === "please") words.shift();
  const verb = words[0];
  if (!verb) throw new InstructionParseError("the instruction is empty");
  const rest = words.slice(1);

  if (removeVerbs.includes(verb)) return { kind: "remove", subject: parseReference(rest, text) };
  if (recolourVerbs.includes(verb)) return parseRecolour(rest, text);
  if (addVerbs.includes(verb)) {
    const split = splitAtRelation(rest);
    if (!split) return { kind: "add", subject: parseReference(rest, text) };
    return { kind: "add", subject: parseReference(split.subject, text), relation: split.relation, anchor: parseReference(split.anchor, text) };
  }
  if (moveVerbs.includes(verb)) {
    const split = splitAtRelation(rest);
    if (!split) throw new InstructionParseError(`no place to move to in "${text}" (expected e.g. "to the left of the laptop")`);
    return { kind: "move", subject: parseReference(split.subject, text), relation: split.relation, anchor: parseReference(split.anchor, text) };
  }
  throw new InstructionParseError(`unknown action "${verb}" in "${text}" (expected move, put, bring, add, remove or make)`);
}

function parseRecolour(rest: string[], text: string): SingleEdit {
  // "make the car blue", "paint the car blue", "change the colour of the car to blue", "turn the car blue"
  let words = rest;
  if (words[0] === "the" && (words[1] === "colour" || words[1] === "color") && words[2] === "of") words = words.slice(3);
  const natural = words.findIndex((word, index) => /^(natural|original|normal|usual)$/.test(word) && /^colou?r$/.test(words[index + 1] ?? ""));
  if (natural > 0) {
    const subjectWords = words.slice(0, natural).filter((word) => !["to", "into", "its", "their", "back"].includes(word));
    return { kind: "recolour", subject: parseReference(subjectWords, text), colour: NATURAL_COLOUR };
  }
  const colourIndex = words.findLastIndex((word) => asColourName(word) !== undefined);
  if (colourIndex < 1) throw new InstructionParseError(`no colour to apply in "${text}"`);
  const subjectWords = words.slice(0, colourIndex).filter((word) => word !== "to" && word !== "into");
  return { kind: "recolour", subject: parseReference(subjectWords, text), colour: asColourName(words[colourIndex]!)! };
}

/** Finds "<subject> <relation phrase> <anchor>" where the anchor starts with a determiner. */
function splitAtRelation(words: string[]): { subject: string[]; relation: GeometricClass; anchor: string[] } | undefined {
  for (let end = words.length - 1; end > 1; end--) {
    if (!determiners.has(words[end]!)) continue;
    for (let start = 1; start < end; start++) {
      const phrase = words.slice(start, end).join(" ");
      const classified = classifyPredicate(phrase.replace(/^(so that it is|so it is|so it sits|so that it sits)\s+/, ""));
      if (classified.known) return { subject: words.slice(0, start), relation: classified.geometricClass, anchor: words.slice(end) };
    }
  }
  return undefined;
}

function parseReference(words: string[], text: string): ObjectReference {
  const reference: Partial<ObjectReference> = {};
  const labelWords: string[] = [];
  for (const word of words) {
    if (determiners.has(word) || fillerWords.has(word)) continue;
    if (labelWords.length === 0 && ordinalWords[word] && reference.ordinal === undefined) {
      reference.ordinal = ordinalWords[word];
      continue;
    }
    const colour = asColourName(word);
    if (colour && labelWords.length === 0) {
      reference.colour = colour;
      continue;
    }
    if (word in sizeFactors && labelWords.length === 0) {
      reference.size = word;
      continue;
    }
    labelWords.push(word);
  }
  if (labelWords.length === 0) throw new InstructionParseError(`no object named in "${text}"`);
  return { ...reference, label: labelWords.join(" ") };
}
