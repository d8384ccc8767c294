import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { datasetPath } from "../../../scripts/datasets";
import { importDataset, importDatasetFile, DatasetImportError, type DatasetFormat } from "./index";

const fixture = (name: string) => path.join(import.meta.dirname, "__fixtures__", name);
const read = (file: string) => readFileSync(file, "utf8");

describe("importers on the shared public files", () => {
  it("GenEval evaluation_metadata.jsonl: 553 items, targets from `include`, prompts kept", async () => {
    const { items, skipped, ignored } = await importDatasetFile(datasetPath("geneval", "evaluation_metadata.jsonl"), "geneval");
    expect(items).toHaveLength(553);
    expect(skipped).toEqual([]);
    expect(ignored["exclude clauses"]).toBeGreaterThan(0);
    const position = items.filter((item) => item.category.tag === "position");
    expect(position).toHaveLength(100);
    const dog = items.find((item) => item.prompt === "a photo of a dog right of a teddy bear")!;
    expect(dog.target.relations).toEqual([{ subject: "dog-1", predicate: "right of", object: "teddy-bear-1" }]);
    expect(dog.category).toEqual({ relationClasses: ["right"], objectCount: 2, tag: "position" });
    const four = items.find((item) => item.prompt === "a photo of four handbags")!;
    expect(four.target.objects).toHaveLength(4);
    const colour = items.find((item) => item.prompt === "a photo of a blue fire hydrant")!;
    expect(colour.target.objects[0]).toMatchObject({ label: "fire hydrant", attributes: ["blue"] });
  });

  it("T2I-CompBench spatial_val.txt and 3d_spatial_val.txt: 300 prompts each, all parsed", async () => {
    for (const file of ["spatial_val.txt", "3d_spatial_val.txt"]) {
      const { items, skipped } = await importDatasetFile(datasetPath("t2i-compbench", file), "t2i-compbench");
      expect(items).toHaveLength(300);
      expect(skipped).toEqual([]);
      expect(items.every((item) => item.target.relations.length >= 1)).toBe(true);
    }
    const { items } = await importDatasetFile(datasetPath("t2i-compbench", "spatial_val.txt"), "t2i-compbench");
    expect(items[0]).toMatchObject({ id: "t2i-compbench-1", prompt: "a giraffe next to a lamp", source: { format: "t2i-compbench", line: 1 } });
    expect(items[1]!.category.relationClasses).toEqual(["above"]);
  });

  it("DSG-1k spatial subset: 606 prompts, spatial tuples as relations, the rest counted", async () => {
    const { items, skipped, ignored } = await importDatasetFile(datasetPath("dsg", "dsg-1k-spatial-subset.jsonl"), "dsg");
    expect(items.length + skipped.length).toBe(606);
    expect(skipped).toEqual([]);
    expect(ignored["non-spatial relation tuples"]).toBeGreaterThan(0);
    const rocks = items.find((item) => item.id === "localized_narratives_95")!;
    expect(rocks.target.objects.map((object) => object.label)).toEqual(["rocks", "ground"]);
    expect(rocks.target.objects[0]!.attributes).toEqual(["different colors", "different sizes"]);
    expect(rocks.target.relations).toEqual([{ subject: "rocks", predicate: "on", object: "ground" }]);
    expect(rocks.source.text).toMatch(/^In this image/);
    expect(items.filter((item) => item.target.relations.length > 0).length).toBeGreaterThan(550);
  });

  it("LAION-SG example record (a single pretty-printed record)", async () => {
    const { items } = await importDatasetFile(datasetPath("laion-sg", "example_record.json"), "laion-sg");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: "482027", source: { format: "laion-sg", line: 1 } });
    expect(items[0]!.target.objects).toHaveLength(5);
    expect(items[0]!.prompt).toContain("snow adjacent to reflective calm river");
  });

  it("LAION-SG as a JSON array (the official splits' layout) and as JSON Lines", () => {
    const record = JSON.parse(read(datasetPath("laion-sg", "example_record.json")));
    const array = JSON.stringify([record, { ...record, img_id: "2" }], null, 2);
    expect(importDataset(array, "laion-sg").items.map((item) => item.id)).toEqual(["482027", "2"]);
    const lines = [record, { ...record, img_id: "9" }].map((value) => JSON.stringify(value)).join("\n");
    expect(importDataset(lines, "laion-sg").items.map((item) => item.source.line)).toEqual([1, 2]);
  });
});

describe("strict mode fails at the first bad line, naming it; lenient mode skips and lists", () => {
  const cases: Array<[DatasetFormat, string, number, RegExp, number]> = [
    // format, fixture, first bad line, what is wrong, items kept in lenient mode
    ["laion-sg", "laion-sg-array.json", 15, /item2 7/, 2],
    ["laion-sg", "laion-sg.jsonl", 2, /invalid JSON/, 2],
    ["geneval", "geneval.jsonl", 3, /include\[4\]/, 3],
    ["t2i-compbench", "t2i-compbench_val.txt", 5, /vibes of a sunset/, 4],
    ["text", "prompts.txt", 4, /unexpected character "@"/, 3],
    ["dsg", "dsg.jsonl", 2, /cannot read the tuple "entity whole bench"/, 2],
    ["dsg", "dsg.csv", 5, /expected 6 CSV fields, found 4/, 2],
  ];
  for (const [format, name, line, reason, kept] of cases) {
    it(`${format}: ${name}`, async () => {
      const error = await importDatasetFile(fixture(name), format).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DatasetImportError);
      expect((error as DatasetImportError).line).toBe(line);
      expect((error as Error).message).toMatch(new RegExp(`^${fixture(name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:${line}: `));
      expect((error as Error).message).toMatch(reason);

      const lenient = await importDatasetFile(fixture(name), format, { mode: "lenient" });
      expect(lenient.items).toHaveLength(kept);
      expect(lenient.skipped[0]).toMatchObject({ line });
      expect(lenient.skipped[0]!.reason).toMatch(reason);
    });
  }

  it("the fixtures convert the way their comments say", async () => {
    const laion = await importDatasetFile(fixture("laion-sg-array.json"), "laion-sg", { mode: "lenient" });
    expect(laion.items[0]).toMatchObject({ id: "a1", prompt: "red cup left of laptop; laptop on wooden desk", source: { line: 2, text: "a red cup beside a laptop on a desk" } });
    expect(laion.items[1]!.source.line).toBe(20);
    const dsg = await importDatasetFile(fixture("dsg.jsonl"), "dsg", { mode: "lenient" });
    expect(dsg.items[0]!.prompt).toBe("red bench near trees; man");
    expect(dsg.ignored).toEqual({ "non-spatial relation tuples": 1, "global tuples": 1, "spatial tuples without three arguments": 1 });
    const csv = await importDatasetFile(fixture("dsg.csv"), "dsg", { mode: "lenient" });
    expect(csv.items[0]).toMatchObject({ id: "csv_1", source: { line: 2, text: "A lamp on a desk, glowing" } });
    expect(csv.items[0]!.target.relations).toEqual([{ subject: "lamp", predicate: "on", object: "desk" }]);
    const geneval = await importDatasetFile(fixture("geneval.jsonl"), "geneval", { mode: "lenient" });
    expect(geneval.skipped.map((skip) => skip.line)).toEqual([3, 5]);
    expect(geneval.items[1]!.target.objects.map((object) => object.id)).toEqual(["clock-1", "clock-2"]);
  });

  it("an unreadable or empty file is an error in both modes", async () => {
    await expect(importDatasetFile("/nonexistent/data.jsonl", "geneval", { mode: "lenient" })).rejects.toThrow(/cannot read the file: ENOENT/);
    expect(() => importDataset("\n\n", "text", { mode: "lenient", file: "empty.txt" })).toThrow(/^empty.txt: no records found/);
  });
});
