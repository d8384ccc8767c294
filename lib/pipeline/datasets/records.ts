import { DatasetImportError, RecordError, type DatasetItem, type ImportOptions, type ImportResult } from "./types";

/**
 * The strict / lenient machinery every importer shares. An importer splits its file into records
 * (one per line, or one per JSON array element) and converts each; a converter throws for a bad
 * record. Strict mode turns the first failure into a DatasetImportError naming file and line;
 * lenient mode lists it in `skipped` and goes on.
 */

export interface RawRecord<T> {
  line: number;
  value: T;
}

export type Convert<T> = (record: RawRecord<T>) => DatasetItem | undefined;

export function collect<T>(records: Iterable<RawRecord<T>>, convert: Convert<T>, options: ImportOptions = {}): ImportResult {
  const file = options.file ?? "input";
  const result: ImportResult = { items: [], skipped: [], ignored: {} };
  const ids = new Set<string>();
  for (const record of records) {
    try {
      const item = convert(record);
      if (!item) continue;
      if (ids.has(item.id)) throw new RecordError(`duplicate id "${item.id}"`);
      ids.add(item.id);
      result.items.push(item);
    } catch (error) {
      const reason = reasonOf(error);
      if (options.mode !== "lenient") throw new DatasetImportError(file, record.line, reason);
      result.skipped.push({ line: record.line, reason });
    }
  }
  if (result.items.length === 0 && result.skipped.length === 0) throw new DatasetImportError(file, undefined, "no records found (the file is empty)");
  return result;
}

/** Non-blank lines with their 1-based numbers; "#" comment lines are skipped when `comments` is set. */
export function nonBlankLines(text: string, comments = false): RawRecord<string>[] {
  return text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .map((value, index) => ({ line: index + 1, value: value.trim() }))
    .filter((record) => record.value !== "" && !(comments && record.value.startsWith("#")));
}

/** JSON Lines: each non-blank line parsed; an unparseable line becomes a record that fails on conversion. */
export function jsonLines(text: string): RawRecord<unknown>[] {
  return nonBlankLines(text).map(({ line, value }) => {
    try {
      return { line, value: JSON.parse(value) as unknown };
    } catch (error) {
      return { line, value: new InvalidJson((error as Error).message) };
    }
  });
}

/** Marker for a line that is not JSON; `requireJson` throws it as a RecordError. */
export class InvalidJson {
  constructor(readonly message: string) {}
}

export function requireJson(value: unknown): unknown {
  if (value instanceof InvalidJson) throw new RecordError(`invalid JSON: ${value.message}`);
  return value;
}

export function reasonOf(error: unknown): string {
  if (error && typeof error === "object" && "issues" in error && Array.isArray((error as { issues: unknown }).issues)) {
    const issues = (error as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues;
    return issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`).join("; ");
  }
  return error instanceof Error ? error.message : String(error);
}

export function increment(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}
