import { z } from "zod";
import { sceneGraphSchema, type SceneGraph, type SceneObject } from "../scene-graph/schema";
import { collect, jsonLines, requireJson, type RawRecord } from "./records";
import { categoryOf, RecordError, type ImportOptions, type ImportResult } from "./types";

/**
 * GenEval's evaluation_metadata.jsonl (djghosh13/geneval): `{tag, include[{class, count, color?,
 * position?: [relation, index]}], exclude?, prompt}`. The target comes from `include`, the
 * metadata GenEval itself scores, not from re-reading the prompt: each entry is `count` objects
 * of `class` (with `color` as an attribute), and `position: [rel, i]` relates every one of them to
 * every object of entry i, as GenEval's position clause requires. `exclude` (an upper bound on a
 * count) has no scene-graph form and is ignored with a count. The prompt is kept as written.
 * Ids are `geneval-<line>` (the file has no ids; line numbers are stable).
 */
const entrySchema = z.looseObject({
  class: z.string().trim().min(1, "class must not be empty"),
  count: z.number().int().min(1, "count must be at least 1").max(20, "count must be at most 20"),
  color: z.string().trim().min(1).optional(),
  position: z.tuple([z.string().trim().min(1), z.number().int().nonnegative()]).optional(),
});

const recordSchema = z.looseObject({
  tag: z.string().min(1),
  include: z.array(entrySchema).min(1, "include must name at least one class"),
  exclude: z.array(z.unknown()).optional(),
  prompt: z.string().trim().min(1, "prompt must not be empty"),
});

export function importGeneval(text: string, options: ImportOptions = {}): ImportResult {
  const ignored: Record<string, number> = {};
  const result = collect(jsonLines(text), (record) => convert(record, ignored), options);
  return { ...result, ignored };
}

function convert({ line, value }: RawRecord<unknown>, ignored: Record<string, number>) {
  const record = recordSchema.parse(requireJson(value));
  const target = genevalTarget(record.include);
  if (record.exclude?.length) ignored["exclude clauses"] = (ignored["exclude clauses"] ?? 0) + 1;
  return {
    id: `geneval-${line}`,
    target,
    prompt: record.prompt,
    source: { format: "geneval" as const, line },
    category: categoryOf(target, record.tag),
  };
}

export function genevalTarget(include: ReadonlyArray<z.infer<typeof entrySchema>>): SceneGraph {
  const objects: SceneObject[] = [];
  const groups: string[][] = [];
  const perLabel = new Map<string, number>();
  for (const entry of include) {
    const slug = entry.class.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "object";
    const ids: string[] = [];
    for (let copy = 0; copy < entry.count; copy += 1) {
      const n = (perLabel.get(slug) ?? 0) + 1;
      perLabel.set(slug, n);
      const id = `${slug}-${n}`;
      objects.push({ id, label: entry.class, attributes: entry.color ? [entry.color] : [] });
      ids.push(id);
    }
    groups.push(ids);
  }
  const relations: SceneGraph["relations"] = [];
  include.forEach((entry, index) => {
    if (!entry.position) return;
    const [predicate, targetIndex] = entry.position;
    const others = groups[targetIndex];
    if (!others) throw new RecordError(`include[${index}].position refers to include[${targetIndex}], which does not exist`);
    if (targetIndex === index) throw new RecordError(`include[${index}].position relates the entry to itself`);
    for (const subject of groups[index]!) for (const object of others) relations.push({ subject, predicate, object });
  });
  return sceneGraphSchema.parse({ objects, relations });
}
