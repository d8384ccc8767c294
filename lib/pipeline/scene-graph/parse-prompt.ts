import { isKnownPredicate, normalisePredicate } from "../metrics/predicates";
import { parseNounPhrase, type NounPhrase } from "./noun-phrase";
import { sceneGraphSchema, type SceneGraph, type SceneObject } from "./schema";

/**
 * The embedded rule-based prompt parser: text -> canonical scene graph, no model needed.
 *
 * Grammar (after lower-casing):
 *   prompt  = clause (";" | newline | ". ") clause ...
 *   clause  = [framing] np-list [relation np-list] ([","|"and"] np-list relation np-list)*
 *   framing = "a photo of" | "an image of" | "a picture of" | "there is" | ... (dropped)
 *   np-list = np (("," | "and") np)*           -- see noun-phrase.ts for np
 *   relation = any phrase `isKnownPredicate` reads (predicates.ts, the one table), found
 *              leftmost-longest; single words only from `singleWordRelations`, so that "watch",
 *              "face" or "back" inside a noun phrase are not read as relations.
 *
 * Meaning:
 * - Each subject in the left list gets the relation to each object in the right list; a counted
 *   phrase ("two cups left of a laptop") relates every one of its objects, as GenEval requires
 *   every detected instance to satisfy the position.
 * - Within one prompt, the same node text (attributes + label) is the same object(s): "red cup left
 *   of laptop; laptop on desk" has one laptop. A later mention may not change an explicit count.
 *   The one exception: in a single relation whose two sides have the same text ("a cup next to a
 *   cup"), the object side is a second object, since nothing relates to itself.
 * - The predicate is the phrase as written, normalised (lower case, single spaces, no leading
 *   "is/are"): "on the right of", "hidden by", "on the top of". predicates.ts maps it to geometry.
 * - A clause without a relation must be a plain list of noun phrases ("a photo of a bench"); any
 *   other text fails with a PromptParseError saying what was not understood. Empty text fails too.
 */

export class PromptParseError extends Error {
  override name = "PromptParseError";
  constructor(
    message: string,
    /** The whole prompt that failed. */
    readonly input: string,
  ) {
    super(message);
  }
}

const framingPrefixes =
  /^(?:(?:a|an|the)\s+)?(?:(?:close-up|closeup|realistic|high quality|detailed|simple)\s+)?(?:photo|photograph|picture|image|painting|drawing|illustration|rendering|render|sketch|scene|view)\s+of\s+/;
const existentialPrefixes = /^there\s+(?:is|are)\s+/;

/** Single words accepted as a whole relation inside a sentence. */
const singleWordRelations = new Set(
  `on in under above below over beneath underneath behind near beside inside within atop upon onto into against by
   with at between among amongst amid around along alongside across outside opposite nearby beyond holding
   wearing carrying riding touching facing surrounding covering supporting blocking hiding occluding obscuring
   overlooking hugging through`.split(/\s+/).filter(Boolean),
);
const MAX_RELATION_WORDS = 7;
const conjunctions = new Set(["and", ","]);
const determiners = /^(?:a|an|the|this|that|\d+|one|two|three|four|five|six|seven|eight|nine|ten)$/;

interface RelationSpan {
  start: number;
  end: number;
  predicate: string;
}

export function parsePrompt(text: string): SceneGraph {
  const builder = new GraphBuilder(text);
  const clauses = text
    .replace(/\r/g, "")
    .toLowerCase()
    .split(/;|\n|\.\s+/)
    .map((clause) => clause.trim().replace(/[.!?]+$/, "").trim())
    .filter((clause) => clause.length > 0);
  if (clauses.length === 0) throw new PromptParseError("empty prompt: nothing to parse", text);
  for (const clause of clauses) parseClause(clause, builder);
  return builder.build();
}

function parseClause(original: string, builder: GraphBuilder): void {
  const body = original.replace(framingPrefixes, "").replace(existentialPrefixes, "");
  const unexpected = /[^a-z0-9'\-,\s]/.exec(body);
  if (unexpected) throw builder.error(`unexpected character "${unexpected[0]}" in "${original}"`);
  const words = body.replace(/,/g, " , ").split(/\s+/).filter(Boolean);
  if (words.length === 0) throw builder.error(`expected something to draw in "${original}"`);
  const spans = findRelationSpans(words);

  if (spans.length === 0) {
    const phrases = splitList(words);
    if (phrases.length === 1) {
      const result = parseNounPhrase(phrases[0]!);
      if (!result.ok && result.failure === "word") throw builder.error(`could not find a relation in "${original}"`);
      if (!result.ok) throw builder.error(`could not understand "${original}": ${result.reason}`);
      builder.mention(result.phrase);
      return;
    }
    for (const phrase of phrases) builder.mention(nounPhraseOrThrow(phrase, original, builder));
    return;
  }

  // Cut the words between consecutive relations at their last conjunction.
  const sides: string[][] = [];
  let sideStart = 0;
  spans.forEach((span, index) => {
    sides.push(words.slice(sideStart, span.start));
    const next = spans[index + 1];
    if (!next) {
      sides.push(words.slice(span.end));
      return;
    }
    const between = words.slice(span.end, next.start);
    const cut = between.findLastIndex((word) => conjunctions.has(word));
    if (cut < 0) {
      const names = spans.map((s) => `"${s.predicate}"`).join(", ");
      throw builder.error(
        `found ${spans.length} relations (${names}) in "${original}" with no "and" between them; write one triple per clause, separated by "; "`,
      );
    }
    sides.push(between.slice(0, cut));
    sideStart = span.end + cut + 1;
  });

  // sides = [subjects0, objects0, subjects1, objects1, ...]
  spans.forEach((span, index) => {
    const subjects = splitList(sides[index * 2]!).map((phrase) => nounPhraseOrThrow(phrase, original, builder));
    const objects = splitList(sides[index * 2 + 1]!).map((phrase) => nounPhraseOrThrow(phrase, original, builder));
    if (subjects.length === 0 || objects.length === 0) {
      throw builder.error(`relation "${span.predicate}" in "${original}" needs something on both sides`);
    }
    for (const subject of subjects) {
      const subjectIds = builder.mention(subject);
      for (const object of objects) {
        const objectIds = builder.mention(object, subjectIds);
        for (const subjectId of subjectIds) {
          for (const objectId of objectIds) builder.relate(subjectId, span.predicate, objectId);
        }
      }
    }
  });
}

/** Leftmost-longest relation phrases, each with words on both sides. */
function findRelationSpans(words: readonly string[]): RelationSpan[] {
  const spans: RelationSpan[] = [];
  let index = 1;
  let leftStart = 0;
  while (index < words.length - 1) {
    let found: RelationSpan | undefined;
    // A relation needs a noun before it: in "a painting on a wall", "painting on" is not one.
    const hasNounBefore = words.slice(leftStart, index).some((word) => !determiners.test(word) && !conjunctions.has(word));
    for (let length = hasNounBefore ? Math.min(MAX_RELATION_WORDS, words.length - 1 - index) : 0; length >= 1; length -= 1) {
      const candidate = words.slice(index, index + length);
      if (candidate.some((word) => conjunctions.has(word)) || determiners.test(candidate[0]!) || determiners.test(candidate.at(-1)!)) continue;
      if (length === 1 && !singleWordRelations.has(candidate[0]!)) continue;
      const phrase = candidate.join(" ");
      if (isKnownPredicate(phrase)) {
        found = { start: index, end: index + length, predicate: normalisePredicate(phrase) };
        break;
      }
    }
    if (found) {
      spans.push(found);
      leftStart = found.end;
      index = found.end + 1;
    } else {
      index += 1;
    }
  }
  return spans;
}

function splitList(words: readonly string[]): string[][] {
  const phrases: string[][] = [[]];
  for (const word of words) {
    if (conjunctions.has(word)) phrases.push([]);
    else phrases.at(-1)!.push(word);
  }
  return phrases.filter((phrase) => phrase.length > 0);
}

function nounPhraseOrThrow(words: readonly string[], clause: string, builder: GraphBuilder): NounPhrase {
  const result = parseNounPhrase(words);
  if (!result.ok) throw builder.error(`could not understand the noun phrase "${words.join(" ")}" in "${clause}": ${result.reason}`);
  return result.phrase;
}

class GraphBuilder {
  private readonly objects: SceneObject[] = [];
  private readonly relations: SceneGraph["relations"] = [];
  private readonly groups = new Map<string, string[]>();
  private readonly perLabel = new Map<string, number>();
  private readonly relationKeys = new Set<string>();

  constructor(private readonly input: string) {}

  error(message: string): PromptParseError {
    return new PromptParseError(message, this.input);
  }

  /** Ids for a mention; `avoid` are the subject's ids, which the object side must not reuse. */
  mention(phrase: NounPhrase, avoid: readonly string[] = []): string[] {
    const key = [...phrase.attributes, phrase.label].join(" ");
    const group = this.groups.get(key);
    if (group && !group.some((id) => avoid.includes(id))) {
      if (phrase.explicitCount && group.length !== phrase.count) {
        throw this.error(`"${key}" is mentioned as ${phrase.count} and as ${group.length} in the same prompt`);
      }
      return group;
    }
    const ids = Array.from({ length: phrase.count }, () => this.addObject(phrase));
    if (!group) this.groups.set(key, ids);
    return ids;
  }

  relate(subject: string, predicate: string, object: string): void {
    const key = JSON.stringify([subject, predicate, object]);
    if (this.relationKeys.has(key)) return;
    this.relationKeys.add(key);
    this.relations.push({ subject, predicate, object });
  }

  build(): SceneGraph {
    return sceneGraphSchema.parse({ objects: this.objects, relations: this.relations });
  }

  private addObject(phrase: NounPhrase): string {
    const slug = phrase.label.replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "object";
    const n = (this.perLabel.get(slug) ?? 0) + 1;
    this.perLabel.set(slug, n);
    const id = `${slug}-${n}`;
    this.objects.push({ id, label: phrase.label, attributes: [...phrase.attributes] });
    return id;
  }
}
