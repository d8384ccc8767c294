import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where the shared public benchmark files live: ../shared/datasets beside the repository
 * (never copied into it). RIG_DATASETS overrides the folder.
 */
export const datasetsDir = process.env.RIG_DATASETS ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../shared/datasets");

export function datasetPath(...parts: string[]): string {
  return path.join(datasetsDir, ...parts);
}

export function readLines(file: string): string[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

export function genevalPositionPrompts(): string[] {
  return readLines(datasetPath("geneval", "position_subset.jsonl")).map((line) => (JSON.parse(line) as { prompt: string }).prompt);
}

export function t2iCompBenchPrompts(file: "spatial_val.txt" | "3d_spatial_val.txt"): string[] {
  return readLines(datasetPath("t2i-compbench", file));
}
