import { z } from "zod";
import { laionRecordSchema, laionRecordToSceneGraph, LaionRecordError } from "./laion-sg";
import { parsePrompt } from "./parse-prompt";
import { sceneGraphSchema, type SceneGraph } from "./schema";

/**
 * One entry point for user input (CLI argument, web form): text starting with "{" or "[" is JSON,
 * read as a canonical scene graph (has "objects") or a LAION-SG record (has "items"); anything
 * else is a prompt for `parsePrompt`, which throws PromptParseError when it cannot read it.
 */

export type SceneGraphInputSource = "scene-graph" | "laion-sg" | "prompt";

export interface ParsedSceneGraphInput {
  graph: SceneGraph;
  source: SceneGraphInputSource;
}

/** JSON that is not valid, or valid JSON of the wrong shape. */
export class SceneGraphInputError extends Error {
  override name = "SceneGraphInputError";
}

/** The scene graph in `text` (JSON scene graph, JSON LAION-SG record, or prompt). */
export function parseSceneGraphInput(text: string): SceneGraph {
  return parseSceneGraphInputWithSource(text).graph;
}

/** Like `parseSceneGraphInput`, also saying which reading was used. */
export function parseSceneGraphInputWithSource(text: string): ParsedSceneGraphInput {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return { graph: parsePrompt(text), source: "prompt" };

  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    throw new SceneGraphInputError(`invalid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (Array.isArray(value)) {
    throw new SceneGraphInputError("expected one JSON object (a scene graph or a LAION-SG record), got an array");
  }
  if (typeof value !== "object" || value === null) throw new SceneGraphInputError("expected a JSON object");

  if ("objects" in value) {
    const result = sceneGraphSchema.safeParse(value);
    if (!result.success) throw new SceneGraphInputError(`invalid scene graph: ${describeIssues(result.error)}`, { cause: result.error });
    return { graph: result.data, source: "scene-graph" };
  }
  if ("items" in value) {
    const result = laionRecordSchema.safeParse(value);
    if (!result.success) throw new SceneGraphInputError(`invalid LAION-SG record: ${describeIssues(result.error)}`, { cause: result.error });
    try {
      return { graph: laionRecordToSceneGraph(result.data), source: "laion-sg" };
    } catch (error) {
      if (error instanceof LaionRecordError) throw new SceneGraphInputError(`invalid LAION-SG record: ${error.message}`, { cause: error });
      throw error;
    }
  }
  throw new SceneGraphInputError('JSON object has neither "objects" (a scene graph) nor "items" (a LAION-SG record)');
}

/** "relations[0].object: relation object "x" is not the id of any object; ..." */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${formatPath(issue.path) || "(root)"}: ${issue.message}`).join("; ");
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), "");
}
