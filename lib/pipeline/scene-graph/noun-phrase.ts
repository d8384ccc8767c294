import { isAttributeWord } from "./vocabulary";

/**
 * Noun phrases of the text parser: "[article | number] attribute* noun-words".
 *
 * - Count: "a/an/the/one/single" = 1 (implicit unless a number is written), "two".."ten" and
 *   digits 1..MAX_COUNT. Vague quantifiers ("several", "some") are errors: nothing to draw.
 * - The last word is always the head noun, so "an orange orange" is attributes [orange], label
 *   orange, and "an orange" is the fruit. A known compound at the end ("hot dog", "teddy bear")
 *   is the head as a whole.
 * - Attributes are the leading run of known attribute words (colours, sizes and
 *   `descriptiveAttributes` from vocabulary.ts); every other word before the head belongs to the
 *   label, so "coffee table" and "fire hydrant" stay one label without being listed.
 * - Plural heads are made singular only when an explicit count above one says how many
 *   ("two red cups" -> 2 x cup); a bare plural ("trees", as LAION-SG labels write it) is kept.
 */

export const MAX_COUNT = 20;

const numberWords: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, single: 1,
};
const articles = new Set(["a", "an", "the", "this", "that"]);
const vagueQuantifiers = new Set(["some", "several", "many", "few", "multiple", "various", "numerous", "lots", "plenty", "these", "those"]);
/** Words that cannot sit inside a noun phrase; seeing one means the phrase was not understood. */
const functionWords = new Set(
  `of to from with by for is are was were be been the a an and or but that which who whom this these those it its
   their his her not no nor in on at as than into onto if then so`.split(/\s+/).filter(Boolean),
);

/**
 * Multi-word nouns kept whole even when their first word is an attribute word ("hot dog", "red
 * panda"). The COCO names used by GenEval are listed for completeness; most of them would stay
 * whole anyway because their first word is not an attribute.
 */
export const compoundNouns: ReadonlySet<string> = new Set([
  "baseball bat", "baseball glove", "cell phone", "computer keyboard", "computer mouse", "dining table",
  "fire hydrant", "hair drier", "hot dog", "parking meter", "potted plant", "sports ball", "stop sign",
  "teddy bear", "tennis racket", "traffic light", "tv remote", "wine glass",
  "hair dryer", "hot air balloon", "red panda", "orange juice", "green tea", "light bulb", "paper towel",
  "paper plane", "polar bear", "coffee table", "ice cream",
]);

const irregularPlurals: Record<string, string> = {
  people: "person", men: "man", women: "woman", children: "child", mice: "mouse", geese: "goose",
  teeth: "tooth", feet: "foot", knives: "knife", leaves: "leaf", shelves: "shelf", wolves: "wolf",
  loaves: "loaf", halves: "half", calves: "calf", scarves: "scarf", buses: "bus", potatoes: "potato",
  tomatoes: "tomato", mangoes: "mango", heroes: "hero", volcanoes: "volcano", dominoes: "domino",
  movies: "movie", cookies: "cookie", zombies: "zombie", brownies: "brownie", selfies: "selfie",
  oxen: "ox", dice: "die", cacti: "cactus", fungi: "fungus",
};
/** Same in singular and plural, or a plural-only class name (GenEval's "skis", "scissors"). */
const invariantNouns = new Set(["sheep", "fish", "deer", "moose", "skis", "scissors", "pants", "jeans", "series", "species"]);

/** Singular of an English plural noun, for counted phrases ("two hot dogs" -> "hot dog"). */
export function singularise(word: string): string {
  if (invariantNouns.has(word)) return word;
  const irregular = irregularPlurals[word];
  if (irregular !== undefined && Object.hasOwn(irregularPlurals, word)) return irregular;
  if (/(?:ss|us)$/.test(word) || !word.endsWith("s")) return word;
  if (/(?:sses|shes|ches|xes|zzes)$/.test(word)) return word.slice(0, -2);
  if (word.length > 4 && /[^aeiou]ies$/.test(word)) return `${word.slice(0, -3)}y`;
  return word.slice(0, -1);
}

export interface NounPhrase {
  count: number;
  /** true when a number word or digit was written (so a later mention may not contradict it). */
  explicitCount: boolean;
  attributes: string[];
  label: string;
}

/** Why a phrase failed: an unknown word, a count we cannot draw, or nothing there at all. */
export type NounPhraseFailure = "word" | "count" | "empty";
export type NounPhraseResult = { ok: true; phrase: NounPhrase } | { ok: false; failure: NounPhraseFailure; reason: string };

/** Parse lower-case words of one noun phrase; `reason` says what was not understood. */
export function parseNounPhrase(words: readonly string[]): NounPhraseResult {
  const text = words.join(" ");
  let rest = [...words];
  let count = 1;
  let explicitCount = false;
  const first = rest[0];
  if (first === undefined) return { ok: false, failure: "empty", reason: "expected a noun, found nothing" };
  if (vagueQuantifiers.has(first)) return { ok: false, failure: "count", reason: `cannot count "${first}" in "${text}"; write a number` };
  if (articles.has(first)) rest = rest.slice(1);
  const countWord = rest[0];
  if (countWord !== undefined && Object.hasOwn(numberWords, countWord)) {
    count = numberWords[countWord]!;
    explicitCount = countWord !== "single";
    rest = rest.slice(1);
  } else if (countWord !== undefined && /^\d+$/.test(countWord)) {
    count = Number(countWord);
    explicitCount = true;
    if (count < 1 || count > MAX_COUNT) return { ok: false, failure: "count", reason: `count ${countWord} in "${text}" is outside 1..${MAX_COUNT}` };
    rest = rest.slice(1);
  }
  if (rest.length === 0) return { ok: false, failure: "empty", reason: `expected a noun in "${text}"` };
  const badWord = rest.find((word) => functionWords.has(word) || !/^[a-z][a-z'-]*$/.test(word));
  if (badWord !== undefined) return { ok: false, failure: "word", reason: `did not understand "${badWord}" in "${text}"` };

  const nounWords = [...rest];
  if (count > 1) nounWords[nounWords.length - 1] = singularise(nounWords.at(-1)!);
  let headLength = 1;
  for (const length of [3, 2]) {
    if (nounWords.length >= length && compoundNouns.has(nounWords.slice(-length).join(" "))) {
      headLength = length;
      break;
    }
  }
  const before = nounWords.slice(0, nounWords.length - headLength);
  let attributeCount = 0;
  while (attributeCount < before.length && isAttributeWord(before[attributeCount]!)) attributeCount += 1;
  return {
    ok: true,
    phrase: {
      count,
      explicitCount,
      attributes: before.slice(0, attributeCount),
      label: [...before.slice(attributeCount), ...nounWords.slice(nounWords.length - headLength)].join(" "),
    },
  };
}
