import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { classifyPredicate } from "../metrics/predicates";
import { parsePrompt, PromptParseError } from "./parse-prompt";
import { nodeText, objectById, sceneGraphSchema, type SceneGraph } from "./schema";

const datasets = path.resolve(__dirname, "../../../../shared/datasets");

function readLines(relative: string): string[] {
  return readFileSync(path.join(datasets, relative), "utf8")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** "subject-text | predicate | object-text" for each relation, to compare graphs by meaning. */
function triples(graph: SceneGraph): string[] {
  return graph.relations.map(
    (relation) => `${nodeText(objectById(graph, relation.subject)!)} | ${relation.predicate} | ${nodeText(objectById(graph, relation.object)!)}`,
  );
}

function texts(graph: SceneGraph): string[] {
  return graph.objects.map(nodeText);
}

describe("parsePrompt on GenEval phrasing", () => {
  it("reads a position prompt", () => {
    const graph = parsePrompt("a photo of a dog right of a teddy bear");
    expect(graph).toEqual({
      objects: [
        { id: "dog-1", label: "dog", attributes: [] },
        { id: "teddy-bear-1", label: "teddy bear", attributes: [] },
      ],
      relations: [{ subject: "dog-1", predicate: "right of", object: "teddy-bear-1" }],
    });
    expect(triples(parsePrompt("a photo of a wine glass above a kite"))).toEqual(["wine glass | above | kite"]);
  });

  it("reads counts, colours and single objects", () => {
    expect(parsePrompt("a photo of two red cups")).toEqual({
      objects: [
        { id: "cup-1", label: "cup", attributes: ["red"] },
        { id: "cup-2", label: "cup", attributes: ["red"] },
      ],
      relations: [],
    });
    expect(texts(parsePrompt("a photo of a bench"))).toEqual(["bench"]);
    expect(texts(parsePrompt("a photo of 3 wine glasses"))).toEqual(["wine glass", "wine glass", "wine glass"]);
    expect(texts(parsePrompt("a photo of an orange orange"))).toEqual(["orange orange"]);
    expect(parsePrompt("a photo of an orange orange").objects[0]).toMatchObject({ label: "orange", attributes: ["orange"] });
    expect(parsePrompt("a photo of an orange").objects[0]).toMatchObject({ label: "orange", attributes: [] });
    expect(texts(parsePrompt("a photo of a toaster and an oven"))).toEqual(["toaster", "oven"]);
  });

  it("parses every row of evaluation_metadata.jsonl into the classes and counts of its include list", () => {
    const rows = readLines("geneval/evaluation_metadata.jsonl").map(
      (line) =>
        JSON.parse(line) as {
          tag: string;
          prompt: string;
          include: Array<{ class: string; count: number; color?: string; position?: [string, number] }>;
        },
    );
    expect(rows).toHaveLength(553);
    let positionRows = 0;
    for (const row of rows) {
      const graph = parsePrompt(row.prompt);
      expect(sceneGraphSchema.safeParse(graph).success).toBe(true);
      const expected = row.include.flatMap((clause) => Array.from({ length: clause.count }, () => clause.class)).sort();
      expect([row.prompt, graph.objects.map((object) => object.label).sort()]).toEqual([row.prompt, expected]);
      for (const clause of row.include) {
        if (!clause.color) continue;
        const coloured = graph.objects.filter((object) => object.label === clause.class && object.attributes.includes(clause.color!));
        expect([row.prompt, coloured.length]).toEqual([row.prompt, clause.count]);
      }
      const positioned = row.include.filter((clause) => clause.position);
      if (positioned.length === 0) {
        expect([row.prompt, graph.relations]).toEqual([row.prompt, []]);
        continue;
      }
      positionRows += 1;
      const expectedTriples = positioned.map((clause) => `${clause.class} | ${clause.position![0]} | ${row.include[clause.position![1]]!.class}`);
      expect([row.prompt, triples(graph)]).toEqual([row.prompt, expectedTriples]);
    }
    expect(positionRows).toBe(100);
  });
});

describe("parsePrompt on T2I-CompBench phrasing", () => {
  it("reads the quoted examples", () => {
    expect(triples(parsePrompt("a bee on the right of a refrigerator"))).toEqual(["bee | on the right of | refrigerator"]);
    expect(triples(parsePrompt("a chair hidden by a mouse"))).toEqual(["chair | hidden by | mouse"]);
    expect(triples(parsePrompt("a girl on the top of a frog"))).toEqual(["girl | on the top of | frog"]);
    expect(triples(parsePrompt("a mouse on side of a key"))).toEqual(["mouse | on side of | key"]);
    expect(triples(parsePrompt("a dog in front of a desk"))).toEqual(["dog | in front of | desk"]);
  });

  for (const file of ["t2i-compbench/spatial_val.txt", "t2i-compbench/3d_spatial_val.txt"]) {
    it(`parses every line of ${file} into 2 objects and 1 known relation`, () => {
      const lines = readLines(file);
      expect(lines).toHaveLength(300);
      for (const line of lines) {
        const graph = parsePrompt(line);
        expect([line, graph.objects.length, graph.relations.length]).toEqual([line, 2, 1]);
        expect([line, classifyPredicate(graph.relations[0]!.predicate).known]).toEqual([line, true]);
        // Subject first, as written.
        const [, subject] = /^an? (\S+) /.exec(line)!;
        expect(objectById(graph, graph.relations[0]!.subject)!.label).toBe(subject);
      }
    });
  }
});

describe("parsePrompt on RL-RIG style triples", () => {
  it("shares objects with the same node text across clauses", () => {
    const graph = parsePrompt("red cup left of laptop; laptop on desk");
    expect(graph).toEqual({
      objects: [
        { id: "cup-1", label: "cup", attributes: ["red"] },
        { id: "laptop-1", label: "laptop", attributes: [] },
        { id: "desk-1", label: "desk", attributes: [] },
      ],
      relations: [
        { subject: "cup-1", predicate: "left of", object: "laptop-1" },
        { subject: "laptop-1", predicate: "on", object: "desk-1" },
      ],
    });
  });

  it("keeps different node texts apart and relates every member of a counted group", () => {
    const graph = parsePrompt("two cups left of a laptop; blue cup on a laptop");
    expect(texts(graph)).toEqual(["cup", "cup", "laptop", "blue cup"]);
    expect(graph.relations).toEqual([
      { subject: "cup-1", predicate: "left of", object: "laptop-1" },
      { subject: "cup-2", predicate: "left of", object: "laptop-1" },
      { subject: "cup-3", predicate: "on", object: "laptop-1" },
    ]);
  });

  it("makes the object a second object when both sides of one relation read the same", () => {
    expect(parsePrompt("a cup next to a cup").relations).toEqual([{ subject: "cup-1", predicate: "next to", object: "cup-2" }]);
  });

  it("reads LAION-SG style clauses, verbs, auxiliaries, lists and 'and'-joined relations", () => {
    expect(triples(parsePrompt("leafless slender trees growing near reflective calm river; rocky tall mountains"))).toEqual([
      "leafless slender trees | growing near | reflective calm river",
    ]);
    expect(triples(parsePrompt("A cat is sitting on a wooden table."))).toEqual(["cat | sitting on | wooden table"]);
    expect(triples(parsePrompt("a cup and a plate on a table"))).toEqual(["cup | on | table", "plate | on | table"]);
    expect(triples(parsePrompt("a cat on a mat, and a dog under a chair"))).toEqual(["cat | on | mat", "dog | under | chair"]);
    expect(triples(parsePrompt("there is a fluffy dog next to a blue fire hydrant"))).toEqual(["fluffy dog | next to | blue fire hydrant"]);
    expect(texts(parsePrompt("a coffee table"))).toEqual(["coffee table"]);
    expect(parsePrompt("three hot dogs").objects.map((object) => object.label)).toEqual(["hot dog", "hot dog", "hot dog"]);
  });
});

describe("parsePrompt errors", () => {
  function errorOf(text: string): PromptParseError {
    try {
      parsePrompt(text);
    } catch (error) {
      expect(error).toBeInstanceOf(PromptParseError);
      return error as PromptParseError;
    }
    throw new Error(`expected "${text}" to fail`);
  }

  it("names what was not understood", () => {
    expect(errorOf("the vibes of a sunset").message).toBe('could not find a relation in "the vibes of a sunset"');
    expect(errorOf("the vibes of a sunset").input).toBe("the vibes of a sunset");
    expect(errorOf("").message).toBe("empty prompt: nothing to parse");
    expect(errorOf("  ;  ").message).toBe("empty prompt: nothing to parse");
    expect(errorOf("several cups").message).toBe('could not understand "several cups": cannot count "several" in "several cups"; write a number');
    expect(errorOf("a cat on a mat next to a dog").message).toBe(
      'found 2 relations ("on", "next to") in "a cat on a mat next to a dog" with no "and" between them; write one triple per clause, separated by "; "',
    );
    expect(errorOf("a cup of tea on a table").message).toBe(
      'could not understand the noun phrase "a cup of tea" in "a cup of tea on a table": did not understand "of" in "a cup of tea"',
    );
    expect(errorOf("a cat (black) on a mat").message).toBe('unexpected character "(" in "a cat (black) on a mat"');
    expect(errorOf("two cups; three cups").message).toBe('"cup" is mentioned as 3 and as 2 in the same prompt');
  });
});
