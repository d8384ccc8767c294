import { parsePrompt } from "../scene-graph/parse-prompt";
import { collect, nonBlankLines } from "./records";
import { categoryOf, type DatasetFormat, type ImportOptions, type ImportResult } from "./types";

/**
 * One prompt a line, each read by `parsePrompt`: T2I-CompBench's `*_val.txt` files
 * (Karine-Huang/T2I-CompBench) and plain text prompt lists. The two differ only in the name they
 * record; plain text also skips "#" comment lines. A line the parser cannot read is a bad line.
 * Ids are `<format>-<line>`.
 */
export function importT2iCompBench(text: string, options: ImportOptions = {}): ImportResult {
  return importPromptLines(text, "t2i-compbench", false, options);
}

export function importTextPrompts(text: string, options: ImportOptions = {}): ImportResult {
  return importPromptLines(text, "text", true, options);
}

function importPromptLines(text: string, format: DatasetFormat, comments: boolean, options: ImportOptions): ImportResult {
  return collect(
    nonBlankLines(text, comments),
    ({ line, value }) => {
      const target = parsePrompt(value);
      return { id: `${format}-${line}`, target, prompt: value, source: { format, line }, category: categoryOf(target) };
    },
    options,
  );
}
