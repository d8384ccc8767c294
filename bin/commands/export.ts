import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { CliError } from "../cli-error";
import { parseOptions } from "../options";
import { DEFAULT_MIN_REWARD_GAP, dpoRow, preferencePair, type RolloutGroupLine } from "../../lib/pipeline/export/dpo";
import { editStates, type EditState, type Trajectory } from "../../lib/pipeline/export/edit-states";
import { exportFormats, openRlhfRow, trlRow, verlRow } from "../../lib/pipeline/export/formats";
import { verlParquet } from "../../lib/pipeline/export/verl-parquet";
import { critiqueSchema } from "../../lib/pipeline/roles/types";
import { sceneGraphSchema } from "../../lib/pipeline/scene-graph/schema";

const optionsSchema = z.object({
  format: z.enum(exportFormats, { error: `must be one of ${exportFormats.join(", ")}` }),
  out: z.string().min(1, "is required"),
  split: z.string().min(1).default("train"),
  minGap: z.coerce.number({ error: "must be a number" }).min(0).max(10).default(DEFAULT_MIN_REWARD_GAP),
});

/** A line of groups.jsonl as `rig train actor` writes it. */
const groupLineSchema = z.object({
  step: z.number().int().min(0),
  state: z.object({ target: sceneGraphSchema, critique: critiqueSchema, history: z.array(z.string()), sgIoU: z.number(), image: z.string().min(1) }),
  samples: z.array(z.object({ instruction: z.string(), reward: z.number(), advantage: z.number(), probability: z.number(), kind: z.string().optional() })).min(1),
});

/** trajectory.json as `rig run --out` writes it: the parts an export reads. */
const trajectoryFileSchema = z.object({
  prompt: z.string(),
  target: sceneGraphSchema,
  iterations: z.array(
    z.object({
      index: z.number().int().min(0),
      instruction: z.string().nullish(),
      critique: critiqueSchema,
      metrics: z.object({ sgIoU: z.number(), entityIoU: z.number(), relationIoU: z.number() }),
      image: z.string().min(1),
    }),
  ),
});

/** Every file called `name` under the given folders (or the files themselves). */
async function filesNamed(name: string, sources: string[]): Promise<string[]> {
  const found: string[] = [];
  const visit = async (entry: string): Promise<void> => {
    const info = await stat(entry).catch(() => null);
    if (!info) throw new CliError(`${entry}: no such file or folder`);
    if (info.isFile()) return void found.push(entry);
    for (const child of (await readdir(entry, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (child.isDirectory()) await visit(path.join(entry, child.name));
      else if (child.name === name) found.push(path.join(entry, child.name));
    }
  };
  for (const source of sources) await visit(source);
  return found;
}

async function readTrajectory(file: string): Promise<Trajectory> {
  let parsed;
  try {
    parsed = trajectoryFileSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
  } catch (error) {
    throw new CliError(`${file}: not JSON (${(error as Error).message})`);
  }
  if (!parsed.success) throw new CliError(`${file}: not a trajectory.json from rig run: ${parsed.error.issues[0]!.path.join(".")}: ${parsed.error.issues[0]!.message}`);
  const folder = path.dirname(file);
  const iterations = await Promise.all(
    parsed.data.iterations.map(async (iteration) => {
      const png = await readFile(path.join(folder, iteration.image)).catch(() => {
        throw new CliError(`${file}: iteration ${iteration.index}'s image ${iteration.image} is missing`);
      });
      return { index: iteration.index, instruction: iteration.instruction ?? null, critique: iteration.critique, metrics: iteration.metrics, png: new Uint8Array(png) };
    }),
  );
  return { id: path.basename(folder), prompt: parsed.data.prompt, target: parsed.data.target, iterations };
}

const imageName = (state: EditState) => `${state.runId}-${String(state.iteration).padStart(2, "0")}.png`;

/**
 * `rig export --format openrlhf|trl|verl|dpo --out DIR SOURCE...`: the Actor's edit states of
 * stored trajectories (folders written by `rig run --out`) as an RL engine's data set:
 * OUT/data.jsonl with OUT/images/ (openrlhf, trl) or OUT/data.parquet (verl, images inside), each
 * row's label what POST /api/reward?mode=edit takes; or, with dpo, TRL preference pairs from the
 * rollout groups `rig train actor --out` wrote.
 */
export async function exportCommand(sources: string[], rawOptions: unknown): Promise<void> {
  const options = parseOptions(optionsSchema, rawOptions);
  if (options.format === "dpo") return exportPreferencePairs(sources, options.out, options.minGap);
  const files = await filesNamed("trajectory.json", sources);
  if (files.length === 0) throw new CliError(`no trajectory.json under ${sources.join(", ")}; write some with: rig run "<prompt>" --out DIR`);
  const states = (await Promise.all(files.map(readTrajectory))).flatMap(editStates);
  await mkdir(options.out, { recursive: true });
  if (options.format === "verl") {
    await writeFile(path.join(options.out, "data.parquet"), verlParquet(states.map((state, index) => verlRow(state, index, options.split))));
  } else {
    await mkdir(path.join(options.out, "images"), { recursive: true });
    const lines = await Promise.all(
      states.map(async (state) => {
        const relative = path.join("images", imageName(state));
        await writeFile(path.join(options.out, relative), state.png ?? new Uint8Array());
        return JSON.stringify(options.format === "trl" ? trlRow(state, relative) : openRlhfRow(state, relative));
      }),
    );
    await writeFile(path.join(options.out, "data.jsonl"), lines.join("\n") + (lines.length ? "\n" : ""));
  }
  const file = options.format === "verl" ? "data.parquet" : "data.jsonl";
  process.stdout.write(`${states.length} edit states from ${files.length} trajectories -> ${path.join(options.out, file)}\n`);
}

/** `--format dpo`: preference pairs from the rollout groups of `rig train actor --out` folders. */
async function exportPreferencePairs(sources: string[], out: string, minGap: number): Promise<void> {
  const files = await filesNamed("groups.jsonl", sources);
  if (files.length === 0) throw new CliError(`no groups.jsonl under ${sources.join(", ")}; rig train actor --out DIR writes DIR/groups/groups.jsonl`);
  await mkdir(path.join(out, "images"), { recursive: true });
  const rows: string[] = [];
  let groups = 0;
  for (const [fileIndex, file] of files.entries()) {
    const lines = (await readFile(file, "utf8")).split("\n").filter((line) => line.trim() !== "");
    for (const [lineIndex, line] of lines.entries()) {
      let parsed;
      try {
        parsed = groupLineSchema.safeParse(JSON.parse(line));
      } catch {
        throw new CliError(`${file}:${lineIndex + 1}: not JSON`);
      }
      if (!parsed.success) throw new CliError(`${file}:${lineIndex + 1}: not a rollout group: ${parsed.error.issues[0]!.path.join(".")}: ${parsed.error.issues[0]!.message}`);
      groups += 1;
      const pair = preferencePair(parsed.data as RolloutGroupLine, minGap);
      if (!pair) continue;
      const image = path.join("images", `${fileIndex}-${path.basename(pair.image)}`);
      await writeFile(path.join(out, image), await readFile(path.join(path.dirname(file), pair.image)));
      rows.push(JSON.stringify(dpoRow(pair, image)));
    }
  }
  await writeFile(path.join(out, "data.jsonl"), rows.join("\n") + (rows.length ? "\n" : ""));
  process.stdout.write(`${rows.length} preference pairs from ${groups} rollout groups (reward gap >= ${minGap}) -> ${path.join(out, "data.jsonl")}\n`);
}
