import { z } from "zod";
import { sceneGraphToPromptText } from "../scene-graph/prompt-text";
import { sceneGraphSchema, type SceneGraph, type SceneObject } from "../scene-graph/schema";
import { collect, increment, jsonLines, nonBlankLines, requireJson, type RawRecord } from "./records";
import { categoryOf, RecordError, type DatasetItem, type ImportOptions, type ImportResult } from "./types";

/**
 * DSG-1k (j-min/DSG): Davidsonian scene graphs as tuples such as `entity - whole (bench)`,
 * `attribute - color (bench, red)`, `relation - spatial (bench, trees, near)`.
 *
 * Two layouts are read:
 * - JSON Lines, one prompt a line: `{item_id, text, tuples: [{tuple, ...}]}` (the shared subset);
 * - CSV with a header row naming at least `item_id`, `text` and `tuple` columns, one tuple a row
 *   (the layout of DSG's annotation CSVs); rows are grouped by item_id and an item's line is its
 *   first row's. RFC 4180 quoting ("a, b" and "" escapes) is understood; newlines inside fields are not.
 *
 * Conversion: every entity tuple becomes an object labelled with the entity's name (one object per
 * distinct name; DSG names entities uniquely within a prompt), attribute tuples add the value as an
 * attribute, and `relation - spatial (a, b, rel)` becomes the triple (a, rel, b), creating a or b if no
 * entity tuple named them. Counted in `ignored` and otherwise dropped: non-spatial relation tuples
 * (action, part, ...), spatial tuples without exactly three arguments (e.g. "(leg, forward)") or
 * relating a thing to itself, and global / other tuples (style, count, text rendering). A tuple
 * whose text is not `<broad> - <detailed> (<args>)` makes the line bad, as does a line with no entity.
 *
 * The prompt is `sceneGraphToPromptText` of the target (the free-form DSG text, kept as
 * `source.text`, names far more than the tuples and no simulator could read it); ids are item_id.
 */
const rowSchema = z.looseObject({
  item_id: z.union([z.string().min(1), z.number()]),
  text: z.string(),
  tuples: z.array(z.looseObject({ tuple: z.string() })),
});

const tuplePattern = /^\s*([a-z]+)\s*-\s*([^()]*?)\s*\((.*)\)\s*$/i;

export function importDsg(text: string, options: ImportOptions = {}): ImportResult {
  const ignored: Record<string, number> = {};
  const firstLine = text.replace(/^\uFEFF/, "").trimStart();
  const records = firstLine.startsWith("{") || firstLine === "" ? jsonLines(text).map(jsonRow) : csvRows(text);
  const result = collect(records, (record) => convert(record, ignored), options);
  return { ...result, ignored };
}

interface DsgRow {
  itemId: string;
  text: string;
  tuples: string[];
}

function jsonRow(record: RawRecord<unknown>): RawRecord<() => DsgRow> {
  return {
    line: record.line,
    value: () => {
      const row = rowSchema.parse(requireJson(record.value));
      return { itemId: String(row.item_id), text: row.text, tuples: row.tuples.map((tuple) => tuple.tuple) };
    },
  };
}

function convert({ line, value }: RawRecord<() => DsgRow>, ignored: Record<string, number>): DatasetItem {
  const row = value();
  const counts: Record<string, number> = {};
  const target = dsgTuplesToSceneGraph(row.tuples, counts);
  for (const [key, count] of Object.entries(counts)) increment(ignored, key, count);
  return {
    id: row.itemId,
    target,
    prompt: sceneGraphToPromptText(target),
    source: { format: "dsg", line, text: row.text },
    category: categoryOf(target),
  };
}

/** DSG tuples -> scene graph (see the module comment); `ignored` receives the counts of dropped tuples. */
export function dsgTuplesToSceneGraph(tuples: readonly string[], ignored: Record<string, number> = {}): SceneGraph {
  const objects = new Map<string, SceneObject>();
  const relations: SceneGraph["relations"] = [];
  const usedIds = new Set<string>();
  const objectFor = (name: string): SceneObject => {
    const key = name.toLowerCase();
    let object = objects.get(key);
    if (!object) {
      const slug = key.replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "entity";
      let id = slug;
      for (let n = 2; usedIds.has(id); n += 1) id = `${slug}-${n}`;
      usedIds.add(id);
      object = { id, label: name, attributes: [] };
      objects.set(key, object);
    }
    return object;
  };
  for (const tuple of tuples) {
    const match = tuplePattern.exec(tuple);
    if (!match) throw new RecordError(`cannot read the tuple "${tuple}" (expected "<category> - <detail> (<arguments>)")`);
    const broad = match[1]!.toLowerCase();
    const detailed = match[2]!.toLowerCase();
    const args = match[3]!.split(",").map((part) => part.trim());
    if (args.some((part) => part === "")) throw new RecordError(`the tuple "${tuple}" has an empty argument`);
    if (broad === "entity") {
      objectFor(args.join(", "));
    } else if (broad === "attribute") {
      if (args.length < 2) throw new RecordError(`the attribute tuple "${tuple}" needs an entity and a value`);
      const object = objectFor(args[0]!);
      const attribute = args.slice(1).join(", ");
      if (!object.attributes.includes(attribute)) object.attributes.push(attribute);
    } else if (broad === "relation" && detailed === "spatial") {
      if (args.length !== 3) increment(ignored, "spatial tuples without three arguments");
      else if (args[0]!.toLowerCase() === args[1]!.toLowerCase()) increment(ignored, "spatial tuples relating a thing to itself");
      else relations.push({ subject: objectFor(args[0]!).id, predicate: args[2]!, object: objectFor(args[1]!).id });
    } else if (broad === "relation") {
      increment(ignored, "non-spatial relation tuples");
    } else {
      increment(ignored, `${broad} tuples`);
    }
  }
  if (objects.size === 0) throw new RecordError("no entity tuples: nothing to draw");
  return sceneGraphSchema.parse({ objects: [...objects.values()], relations });
}

/** DSG CSV: header row, then one tuple a row; rows grouped by item_id in order of first appearance. */
function csvRows(text: string): RawRecord<() => DsgRow>[] {
  const lines = nonBlankLines(text);
  const header = lines[0];
  if (!header) return [];
  const columns = splitCsvLine(header.value).map((name) => name.trim().toLowerCase());
  const column = (name: string) => columns.indexOf(name);
  const [idColumn, textColumn, tupleColumn] = [column("item_id"), column("text"), column("tuple")];
  const missing = (["item_id", "text", "tuple"] as const).filter((name) => column(name) < 0);
  if (missing.length > 0) {
    return [{ line: header.line, value: () => { throw new RecordError(`not DSG JSON Lines, and the CSV header lacks ${missing.join(", ")}`); } }];
  }
  const groups = new Map<string, { line: number; text: string; tuples: string[]; error?: string }>();
  const failures: RawRecord<() => DsgRow>[] = [];
  for (const { line, value } of lines.slice(1)) {
    const cells = splitCsvLine(value);
    if (cells.length !== columns.length) {
      const reason = `expected ${columns.length} CSV fields, found ${cells.length}`;
      failures.push({ line, value: () => { throw new RecordError(reason); } });
      continue;
    }
    const itemId = cells[idColumn]!.trim();
    const group = groups.get(itemId) ?? { line, text: cells[textColumn]!, tuples: [] };
    group.tuples.push(cells[tupleColumn]!);
    groups.set(itemId, group);
  }
  const records: RawRecord<() => DsgRow>[] = [...groups].map(([itemId, group]) => ({
    line: group.line,
    value: () => {
      if (itemId === "") throw new RecordError("item_id is empty");
      return { itemId, text: group.text, tuples: group.tuples };
    },
  }));
  return [...records, ...failures].sort((a, b) => a.line - b.line);
}

export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      cells.push(cell);
      cell = "";
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}
