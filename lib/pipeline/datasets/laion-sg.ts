import { laionRecordSchema, laionRecordToSceneGraph } from "../scene-graph/laion-sg";
import { sceneGraphToPromptText } from "../scene-graph/prompt-text";
import { collect, InvalidJson, jsonLines, requireJson, type RawRecord } from "./records";
import { categoryOf, DatasetImportError, RecordError, type ImportOptions, type ImportResult } from "./types";

/**
 * LAION-SG annotations (mengcye/LAION-SG): the official splits are one JSON array of records; a
 * JSON Lines file (one record a line) and a single record (e.g. the dataset card's example) are
 * read too. Each record becomes a scene graph through `laionRecordToSceneGraph`; the prompt is
 * `sceneGraphToPromptText` of it (the benchmark conditions on the scene graph, not the caption,
 * which is kept as `source.text`). Ids are the record's img_id, else `laion-sg-<line>`.
 */
export function importLaionSg(text: string, options: ImportOptions = {}): ImportResult {
  return collect(laionRecords(text, options.file ?? "input"), convert, options);
}

function convert({ line, value }: RawRecord<unknown>) {
  const record = laionRecordSchema.parse(requireJson(value));
  const target = laionRecordToSceneGraph(record);
  if (target.objects.length === 0) throw new RecordError("the record has no items");
  return {
    id: record.img_id !== undefined ? String(record.img_id) : `laion-sg-${line}`,
    target,
    prompt: sceneGraphToPromptText(target),
    source: { format: "laion-sg" as const, line, ...(record.caption_ori ? { text: record.caption_ori } : {}) },
    category: categoryOf(target),
  };
}

function laionRecords(text: string, file: string): RawRecord<unknown>[] {
  const trimmed = text.replace(/^\uFEFF/, "").trimStart();
  if (trimmed.startsWith("[")) return arrayElements(text, file);
  if (trimmed.startsWith("{")) {
    // One (possibly pretty-printed) record, or JSON Lines.
    try {
      const value: unknown = JSON.parse(text);
      if (value && typeof value === "object" && !Array.isArray(value)) return [{ line: lineAt(text, text.indexOf("{")), value }];
    } catch {
      // Not one document: read it as JSON Lines below.
    }
  }
  return jsonLines(text);
}

/**
 * The elements of a top-level JSON array, each parsed on its own and tagged with the line where it
 * starts, so that one broken record fails alone. Strings and escapes are tracked while scanning.
 */
function arrayElements(text: string, file: string): RawRecord<unknown>[] {
  const records: RawRecord<unknown>[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  let closed = false;
  const finish = (end: number) => {
    if (start < 0) return;
    const slice = text.slice(start, end);
    let value: unknown;
    try {
      value = JSON.parse(slice);
    } catch (error) {
      value = new InvalidJson((error as Error).message);
    }
    records.push({ line: lineAt(text, start), value });
    start = -1;
  };
  for (let index = text.indexOf("["); index < text.length; index += 1) {
    const char = text[index]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (char === "\\") escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    if (depth === 1 && start < 0 && !/[\s,\]]/.test(char)) start = index;
    if (char === "[" || char === "{") depth += 1;
    else if (char === "]" || char === "}") {
      depth -= 1;
      if (depth === 0) {
        finish(index);
        closed = true;
        const rest = text.slice(index + 1).trim();
        if (rest !== "") throw new DatasetImportError(file, lineAt(text, index + 1 + text.slice(index + 1).search(/\S/)), "unexpected text after the JSON array");
        break;
      }
    } else if (char === "," && depth === 1) finish(index);
  }
  if (!closed) {
    finish(text.length);
    if (records.length === 0) throw new DatasetImportError(file, lineAt(text, text.length), "the JSON array is not closed");
    if (!(records.at(-1)!.value instanceof InvalidJson)) records.push({ line: lineAt(text, text.length), value: new InvalidJson("the JSON array is not closed") });
  }
  return records;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index += 1) if (text[index] === "\n") line += 1;
  return line;
}
