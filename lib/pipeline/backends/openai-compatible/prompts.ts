import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * Prompts live in versioned files (`prompts/<name>.v<N>.md`, `{{placeholder}}` slots). A role
 * reports the version it used (`promptVersion`, e.g. "checker.v2") so a run can record it.
 */
// Inside the Next server bundle `import.meta.dirname` is undefined; the server runs from the
// repository root, where the prompts folder lives.
export const promptDirectory = import.meta.dirname
  ? path.resolve(import.meta.dirname, "../../../../prompts")
  : path.resolve(process.cwd(), "prompts");

export interface PromptTemplate {
  readonly version: string;
  readonly text: string;
  render(values: Record<string, string>): string;
}

const cache = new Map<string, PromptTemplate>();

export function loadPrompt(name: "checker" | "actor" | "actor-candidates" | "judge", version = 1, directory = promptDirectory): PromptTemplate {
  const id = `${name}.v${version}`;
  const key = `${directory}/${id}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const text = readFileSync(path.join(directory, `${id}.md`), "utf8");
  const template: PromptTemplate = {
    version: id,
    text,
    render(values) {
      return text.replace(/\{\{(\w+)\}\}/g, (whole, slot: string) => {
        const value = values[slot];
        if (value === undefined) throw new Error(`prompt ${id}: no value for {{${slot}}}`);
        return value;
      });
    },
  };
  cache.set(key, template);
  return template;
}
