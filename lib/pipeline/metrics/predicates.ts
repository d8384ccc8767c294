import type { GeometricClass } from "./spatial-geometry";

/**
 * The ONE predicate table: free-form relation phrases -> the geometric class that
 * `relationHolds` (spatial-geometry.ts) can test. The Checker, the evaluation, the text parser
 * and the rewards all classify through `classifyPredicate`, so they cannot disagree.
 *
 * Sources of the phrasings covered:
 * - GenEval (djghosh13/geneval prompts/create_prompts.py): left of, right of, above, below.
 * - T2I-CompBench (Karine-Huang/T2I-CompBench UniDet_eval/2D_spatial_eval.py, 3D_spatial_eval.py):
 *   on the left of, on the right of, on the top of, on the bottom of, next to, near, on side of,
 *   in front of, behind, hidden by.
 * - DSG-1k spatial tuples (`relation - spatial (a, b, on)`): the frequent ones (on, in, in front of,
 *   next to, behind, wear, above, near, with, under, at, has, over, on top of, hold, below, beside,
 *   in the background, inside, ...), which DSG writes as bare lemmas ("sit on", "hang from").
 * - LAION-SG free phrases ("adjacent to", "growing near", ...), through the normalisation rules below.
 *
 * Two deliberate readings:
 * - "on the top of" / "on the bottom of" are T2I-CompBench's wording, and its scorer treats them as
 *   directions (dominant vertical centre offset with box IoU < 0.1, no contact required), so they map
 *   to above / below. Plain "on top of" means support and maps to on.
 * - "under", "underneath" and "beneath" map to under (the inverse of on) so that
 *   `classifyPredicate(canonicalPhrase(c)).geometricClass === c` holds for every class.
 *   "below" and "lower than" are the purely directional reading.
 */

export interface PredicateClassification {
  geometricClass: GeometricClass;
  /** false when no rule recognised the phrase and the documented fallback was used. */
  known: boolean;
  warning?: string;
}

/**
 * A relation nobody can read is still a claim that the two things are together in the picture, so
 * the fallback is "near": it asks the least of the geometry and is the only class whose failure
 * (the objects are far apart) contradicts every reading of an unknown phrase. The warning names the
 * phrase so that it can be added to the table.
 */
export const FALLBACK_CLASS: GeometricClass = "near";

const explicitPhrases: Record<GeometricClass, readonly string[]> = {
  left: [
    "left of", "to the left of", "on the left of", "on the left side of", "to the left side of", "at the left of",
    "left to", "on the left", "to the left", "left side of", "on left", "leftward of", "further left than",
  ],
  right: [
    "right of", "to the right of", "on the right of", "on the right side of", "to the right side of", "at the right of",
    "right to", "on the right", "to the right", "right side of", "on right", "rightward of", "further right than",
  ],
  above: [
    "above", "over", "on the top of", "higher than", "overhead", "up above", "high above", "over the top of",
    "directly above", "hovering over", "flying over", "flying above", "floating above", "towering over", "overlooking",
  ],
  below: ["below", "on the bottom of", "lower than", "down below", "at the foot of", "at the bottom of", "at the base of"],
  on: [
    "on", "on top of", "upon", "atop", "onto", "on the surface of", "riding", "rides", "ride", "riding on",
    "mounted on", "covering", "covers", "cover", "lying across", "draped over", "sitting atop", "standing atop", "on the back of",
  ],
  under: [
    "under", "underneath", "beneath", "supporting", "supports", "holding up", "covered by", "covered with",
    "carrying on top", "under the weight of",
  ],
  near: [
    "near", "next to", "beside", "by", "nearby", "near to", "close to", "close by", "close", "adjacent to",
    "alongside", "along", "on side of", "on the side of", "to the side of", "at the side of", "by the side of",
    "on each side of", "on either side of", "on both sides of", "on the other side of", "between", "in between",
    "among", "amongst", "amid", "around", "all around", "surrounding", "surrounds", "surround", "surrounded by",
    "encircling", "across from", "across", "opposite", "opposite to", "opposite of", "facing", "faces", "face",
    "at", "with", "together with", "accompanied by", "has", "have", "having", "neighbouring", "neighboring",
    "level with", "parallel to", "parallel with", "in line with", "outside", "outside of", "looking at", "look at",
    "watching", "watch", "looking", "playing with", "walking with", "talking to", "bordering", "lining",
    "in the vicinity of", "within reach of", "on the shore of", "on the edge of", "at the edge of", "on the bank of", "a short distance from", "not far from", "side by side with",
  ],
  "in-front": [
    "in front of", "in the front of", "in front", "ahead of", "in the foreground of", "in foreground of",
    "in the foreground", "blocking", "occluding", "obscuring", "hiding", "partially hiding", "closer than",
    "nearer than",
  ],
  behind: [
    "behind", "in back of", "at the back of", "back of", "in the background of", "in background of",
    "in the background", "in the distance", "hidden by", "hidden", "obscured by", "occluded by", "blocked by",
    "partially hidden by", "beyond", "farther than", "further than", "one behind the other", "at the rear of",
  ],
  inside: [
    "in", "inside", "inside of", "within", "into", "in the middle of", "in the center of", "in the centre of",
    "in middle of", "in center of", "part of", "contained in", "enclosed in", "enclosed by", 
    "in the interior of", "through", "embedded in", "submerged in", "immersed in",
  ],
  touching: [
    "touching", "touch", "touches", "against", "attached to", "in contact with", "holding", "holds", "hold",
    "held by", "held in", "wearing", "wear", "wears", "worn by", "worn on", "carrying", "carry", "carries",
    "carried by", "hugging", "hugs", "grabbing", "gripping", "grip", "clutching", "tied to", "connected to",
    "stuck to", "glued to", "pressed against", "propped against", "prop up against", "locked to", "chained to",
    "hanging from", "hang from", "hangs from", "suspended from", "pulling", "pushing", "kicking", "biting",
    "licking", "petting", "pet", "feeding", "leaning on", "in hand of", "in the hand of", "in the hands of",
  ],
};

/** The phrase the sim Actor and Checker say for each class; it classifies back to the same class. */
const canonicalPhrases: Record<GeometricClass, string> = {
  left: "left of",
  right: "right of",
  above: "above",
  below: "below",
  on: "on",
  under: "under",
  near: "next to",
  "in-front": "in front of",
  behind: "behind",
  inside: "inside",
  touching: "touching",
};

export function canonicalPhrase(geometricClass: GeometricClass): string {
  return canonicalPhrases[geometricClass];
}

/**
 * The class that holds for B relative to A when `geometricClass` holds for A relative to B.
 * "inside" has no inverse class ("contains" is not something `relationHolds` can test), so it
 * returns undefined; callers that swap subject and object must keep the original direction.
 */
export function inverseClass(geometricClass: GeometricClass): GeometricClass | undefined {
  switch (geometricClass) {
    case "left":
      return "right";
    case "right":
      return "left";
    case "above":
      return "below";
    case "below":
      return "above";
    case "on":
      return "under";
    case "under":
      return "on";
    case "in-front":
      return "behind";
    case "behind":
      return "in-front";
    case "near":
      return "near";
    case "touching":
      return "touching";
    case "inside":
      return undefined;
  }
}

/** Auxiliaries dropped from the front of a phrase: "is on" = "on". */
const leadingAuxiliaries = new Set(["is", "are", "was", "were", "be", "being", "been", "am"]);
const articles = new Set(["the", "a", "an"]);

/**
 * Verbs of posture, placement and motion: "<verb> <preposition>" takes the preposition's class
 * ("standing on" = on, "parked behind" = behind). Any other word ending in -ing or -ed is treated
 * the same way, which covers most LAION-SG phrasings ("growing near", "nestled among").
 */
const postureVerbs = new Set(
  `stand stands standing stood sit sits sitting sat seated lie lies lying lay laying laid grow grows growing grown
   hang hangs hanging hung place placed put set located situated positioned park parks parked rest rests resting
   lean leans leaning perch perched perching float floats floating fly flies flying hover hovers hovering mount
   mounted kneel kneels kneeling knelt crouch crouched crouching squat squatting walk walks walking run runs running
   swim swims swimming move moving stacked piled arranged displayed reflected lined scattered spread kept stored
   hidden tucked nestled docked moored sleep sleeps sleeping wait waiting play plays playing pose poses posing
   climb climbs climbing sprawled stretched curled tied wrapped reach reaching jump jumping fall falling flow flows
   flowing rise rises rising shine shines shining dangle dangling peek peeking poke poking stick sticks sticking
   written painted printed drawn carved engraved curl curls curling`
    .split(/\s+/)
    .filter(Boolean),
);
/** Adverbs that sharpen but do not change a relation: "directly above", "right in front of". */
const intensifiers = new Set(
  `directly right just slightly immediately far partially partly completely fully closely mostly half
   somewhat very well up down out straight`.split(/\s+/).filter(Boolean),
);

/** Lowercase, trim, collapse whitespace, and drop leading auxiliaries ("is", "are" ...). */
export function normalisePredicate(phrase: string): string {
  const words = phrase.toLowerCase().trim().split(/\s+/).filter(Boolean);
  while (words.length > 1 && leadingAuxiliaries.has(words[0]!)) words.shift();
  return words.join(" ");
}

function withoutArticles(phrase: string): string {
  return phrase
    .split(" ")
    .filter((word) => !articles.has(word))
    .join(" ");
}

const exactTable = new Map<string, GeometricClass>();
const articleFreeTable = new Map<string, GeometricClass>();
for (const [geometricClass, phrases] of Object.entries(explicitPhrases) as [GeometricClass, readonly string[]][]) {
  for (const phrase of phrases) {
    const key = normalisePredicate(phrase);
    if (exactTable.has(key) && exactTable.get(key) !== geometricClass) {
      throw new Error(`predicate table lists "${key}" under both ${exactTable.get(key)} and ${geometricClass}`);
    }
    exactTable.set(key, geometricClass);
  }
}
// Article-free lookups ("in the front of" -> "in front of") never override a phrase written
// without articles: "on the top of" (above) stays distinct from "on top of" (on).
for (const [key, geometricClass] of exactTable) {
  if (withoutArticles(key) === key) articleFreeTable.set(key, geometricClass);
}
for (const [key, geometricClass] of exactTable) {
  const bare = withoutArticles(key);
  if (bare && !articleFreeTable.has(bare)) articleFreeTable.set(bare, geometricClass);
}

function lookup(phrase: string): GeometricClass | undefined {
  if (!phrase) return undefined;
  return exactTable.get(phrase) ?? articleFreeTable.get(withoutArticles(phrase));
}

/** "adjacent" -> "adjacent to", "inside of" -> "inside": the trailing of/to variants. */
function lookupWithTrailingVariants(phrase: string): GeometricClass | undefined {
  const direct = lookup(phrase);
  if (direct) return direct;
  const trailing = /\s(of|to|from|with)$/.exec(phrase);
  if (trailing) return lookup(phrase.slice(0, trailing.index));
  return lookup(`${phrase} of`) ?? lookup(`${phrase} to`);
}

function isVerbLike(word: string): boolean {
  return postureVerbs.has(word) || (word.length > 4 && /(?:ing|ed)$/.test(word));
}

function classify(phrase: string): GeometricClass | undefined {
  const direct = lookupWithTrailingVariants(phrase);
  if (direct) return direct;
  // Strip up to three leading verb or adverb words: "standing directly behind" -> "behind".
  let words = phrase.split(" ");
  for (let step = 0; step < 3 && words.length > 1; step += 1) {
    const first = words[0]!;
    if (!isVerbLike(first) && !intensifiers.has(first) && !leadingAuxiliaries.has(first)) break;
    words = words.slice(1);
    const rest = lookupWithTrailingVariants(words.join(" "));
    if (rest) return rest;
  }
  return undefined;
}

/**
 * Classify a free-form relation phrase. Normalisation: lowercase, trim, collapse whitespace,
 * drop leading "is/are/was/were/be"; articles are ignored unless the phrase with articles is
 * itself in the table; trailing of/to variants are tried; up to three leading posture verbs
 * (any -ing/-ed word) or intensifiers ("directly", "right") are stripped. Unknown phrases get
 * FALLBACK_CLASS ("near") with `known: false` and a warning naming the phrase.
 */
export function classifyPredicate(phrase: string): PredicateClassification {
  const normalised = normalisePredicate(phrase);
  const geometricClass = classify(normalised);
  if (geometricClass) return { geometricClass, known: true };
  return {
    geometricClass: FALLBACK_CLASS,
    known: false,
    warning: `unknown relation "${normalised || phrase}": treated as "${FALLBACK_CLASS}" (the two objects are at least together)`,
  };
}

/**
 * Whether `phrase` reads as a relation by some rule (no fallback). The text parser uses this to
 * find relation spans inside a sentence.
 */
export function isKnownPredicate(phrase: string): boolean {
  return classify(normalisePredicate(phrase)) !== undefined;
}

/** Every phrase written out in the table, normalised, with its class (for docs and UIs). */
export function predicateTableEntries(): Array<{ phrase: string; geometricClass: GeometricClass }> {
  return [...exactTable].map(([phrase, geometricClass]) => ({ phrase, geometricClass }));
}
