import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { DatasetImportError, datasetFormats, importDataset, type DatasetFormat } from "../datasets";
import { laionRecordToSceneGraph, LaionRecordError } from "../scene-graph/laion-sg";
import { parseSceneGraphInput, SceneGraphInputError } from "../scene-graph/parse-input";
import { PromptParseError } from "../scene-graph/parse-prompt";
import { sceneGraphSchema } from "../scene-graph/schema";

/**
 * Property tests: every parser of outside text either returns a value that satisfies its schema
 * or throws its own typed error with a message; never a TypeError, a RangeError, a hang or a crash.
 * Inputs are random text and JSON, and real records (the importers' fixtures) cut, spliced and
 * retyped at random. Seeded, so a failure reproduces; FUZZ_RUNS scales the run count.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const fixture = (name: string) => readFileSync(new URL(`../datasets/__fixtures__/${name}`, import.meta.url), "utf8");
const fixtures: Record<DatasetFormat, string> = {
  "laion-sg": fixture("laion-sg.jsonl"),
  geneval: fixture("geneval.jsonl"),
  "t2i-compbench": fixture("t2i-compbench_val.txt"),
  dsg: fixture("dsg.jsonl"),
  text: fixture("prompts.txt"),
};

/** A real file with a random slice deleted, random text inserted, or a line duplicated. */
function mutated(text: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(fc.nat(text.length), fc.nat(40)).map(([at, length]) => text.slice(0, at) + text.slice(at + length)),
    fc.tuple(fc.nat(text.length), fc.string({ unit: "binary", maxLength: 20 })).map(([at, insert]) => text.slice(0, at) + insert + text.slice(at)),
    fc.tuple(fc.nat(text.length), fc.constantFrom("{", "}", "[", "]", '"', ",", ":", "\n", "\t", "\\", "null", "-1", "1e999", "\u0000", "\ud800")).map(
      ([at, token]) => text.slice(0, at) + token + text.slice(at),
    ),
    fc.nat(text.split("\n").length).map((line) => {
      const lines = text.split("\n");
      return [...lines.slice(0, line + 1), ...lines.slice(line)].join("\n");
    }),
  );
}

/** JSON values in the shape of a record, with fields of the wrong type or size. */
const recordLike = fc.dictionary(
  fc.constantFrom("objects", "relations", "items", "id", "label", "attributes", "subject", "object", "predicate", "prompt", "tag", "include", "text", "caption_ori", "name", "count", "class"),
  fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 })),
  { maxKeys: 6 },
);

/** Records that pass LAION-SG's field types, so the converter's own checks are what gets fuzzed. */
const laionShaped = fc.record({
  items: fc.array(
    fc.record({ item_id: fc.integer({ min: -2, max: 6 }), label: fc.string({ maxLength: 12 }), attributes: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), global_item_id: fc.nat() }),
    { maxLength: 6 },
  ),
  relations: fc.array(fc.record({ triple_id: fc.nat(), item1: fc.integer({ min: -2, max: 6 }), relation: fc.string({ maxLength: 16 }), item2: fc.integer({ min: -2, max: 6 }) }), {
    maxLength: 6,
  }),
});

function expectTypedFailure(error: unknown, ...types: Array<new (...args: never[]) => Error>) {
  expect(types.some((type) => error instanceof type), `unexpected ${(error as Error)?.name}: ${(error as Error)?.message}`).toBe(true);
  expect((error as Error).message.length).toBeGreaterThan(0);
}

describe("run input parser (prompt, scene graph or LAION-SG record)", () => {
  const inputs = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 200 }),
    fc.string({ unit: "binary", maxLength: 200 }),
    recordLike.map((value) => JSON.stringify(value)),
    fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
    mutated(fixtures["laion-sg"].split("\n")[0]!),
    laionShaped.map((value) => JSON.stringify(value)),
    mutated("a red cup left of a laptop; the laptop on a desk; a cat under the desk"),
  );

  it("returns a valid scene graph or throws its own error", () => {
    fc.assert(
      fc.property(inputs, (text) => {
        try {
          expect(sceneGraphSchema.safeParse(parseSceneGraphInput(text)).success).toBe(true);
        } catch (error) {
          expectTypedFailure(error, SceneGraphInputError, PromptParseError);
        }
      }),
      { numRuns: RUNS * 3, seed: 1307 },
    );
  });

  it("reads a LAION-SG record of any shape, or throws LaionRecordError (bad references) or ZodError (bad fields)", () => {
    fc.assert(
      fc.property(fc.oneof(recordLike, fc.anything({ maxDepth: 3 }), laionShaped, fc.record({ items: fc.array(recordLike, { maxLength: 5 }), relations: fc.array(recordLike, { maxLength: 5 }) })), (value) => {
        try {
          expect(sceneGraphSchema.safeParse(laionRecordToSceneGraph(value)).success).toBe(true);
        } catch (error) {
          expectTypedFailure(error, LaionRecordError, ZodError);
        }
      }),
      { numRuns: RUNS * 2, seed: 1308 },
    );
  });
});

describe.each(datasetFormats)("%s importer", (format) => {
  const texts = fc.oneof(mutated(fixtures[format]), fc.string({ unit: "binary", maxLength: 300 }), fc.array(recordLike.map((value) => JSON.stringify(value)), { maxLength: 5 }).map((lines) => lines.join("\n")));

  it("strict mode: items that satisfy the schema, or a DatasetImportError naming file and line", () => {
    fc.assert(
      fc.property(texts, (text) => {
        try {
          const result = importDataset(text, format, { mode: "strict", file: "fuzz.txt" });
          for (const item of result.items) expect(sceneGraphSchema.safeParse(item.target).success).toBe(true);
        } catch (error) {
          expectTypedFailure(error, DatasetImportError);
          expect((error as Error).message).toMatch(/^fuzz\.txt(:\d+)?: /);
        }
      }),
      { numRuns: RUNS, seed: 1309 },
    );
  });

  it("lenient mode: every line is an item or a skipped line with a reason", () => {
    fc.assert(
      fc.property(texts, (text) => {
        try {
          const result = importDataset(text, format, { mode: "lenient", file: "fuzz.txt" });
          for (const skipped of result.skipped) expect(skipped.reason.length).toBeGreaterThan(0);
        } catch (error) {
          // Only what makes the whole file unreadable (no records at all, a broken JSON array).
          expectTypedFailure(error, DatasetImportError);
        }
      }),
      { numRuns: RUNS, seed: 1310 },
    );
  });
});
