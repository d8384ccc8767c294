import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { CliError } from "../cli-error";
import { parseOptions, wholeNumber } from "../options";
import { withRolePolicies } from "./actor-option";
import { createProgress } from "../terminal";
import { ConfigError } from "../../lib/pipeline/backends/config";
import { resolveProfileByName, type ResolvedProfile } from "../../lib/pipeline/backends/registry";
import { encodePng } from "../../lib/pipeline/image/png";
import { CapabilityError } from "../../lib/pipeline/loop/capabilities";
import { runLoop } from "../../lib/pipeline/loop/engine";
import type { LoopResult } from "../../lib/pipeline/loop/types";
import { sceneGraphMetrics } from "../../lib/pipeline/metrics/scene-graph-iou";
import { parseSceneGraphInput } from "../../lib/pipeline/scene-graph/parse-input";
import { sceneGraphToPromptText } from "../../lib/pipeline/scene-graph/prompt-text";
import type { SceneGraph } from "../../lib/pipeline/scene-graph/schema";
import { simulatedRoles, simulatorNotice } from "../../lib/pipeline/backends/simulated";
import { resolveScorerByName } from "../../lib/pipeline/backends/scorer";
import type { Grader } from "../../lib/pipeline/evaluation/grade";

const optionsSchema = z.object({
  sceneGraph: z.string().optional(),
  out: z.string().optional(),
  maxIterations: wholeNumber(1, 50),
  seed: wholeNumber(0, 2 ** 32 - 1),
  targetIou: z.coerce.number({ error: "must be a number" }).min(0, "must be between 0 and 1").max(1, "must be between 0 and 1"),
  patience: wholeNumber(1),
  profile: z.string().min(1, "must name a profile").default("sim"),
  actor: z.string().min(1).default("heuristic"),
  editor: z.string().min(1).default("heuristic"),
  json: z.boolean().optional(),
});
type RunOptions = z.infer<typeof optionsSchema>;

export async function runCommand(prompt: string | undefined, rawOptions: unknown): Promise<void> {
  const options = parseOptions(optionsSchema, rawOptions);
  const { target, diffuserPrompt } = await readTarget(prompt, options);

  const outDir = path.resolve(options.out ?? path.join("runs-out", `${new Date().toISOString().replace(/[:.]/g, "-")}-seed${options.seed}`));
  const profile = await resolveCliProfile(options.profile);
  const roles = await withRolePolicies(profile.roles, options, profile.backends);
  const progress = createProgress(process.stderr, options.maxIterations);
  let result: LoopResult;
  try {
    result = await runLoop(
      { target, prompt: diffuserPrompt, seed: options.seed, maxIterations: options.maxIterations, targetSgIoU: options.targetIou, patience: options.patience },
      { roles, score: sceneGraphMetrics, capabilities: profile.capabilities, onEvent: (event) => progress.update(event) },
    );
  } catch (error) {
    // A profile whose back ends cannot do what the run needs is a usage error, like a bad profile.
    if (error instanceof CapabilityError) throw new CliError(`profile "${profile.name}": ${error.message}`);
    throw error;
  } finally {
    progress.done();
  }

  const images = await writeTrajectory(outDir, target, diffuserPrompt, options, profile, result);
  if (options.json) {
    process.stdout.write(JSON.stringify({ ...jsonSummary(target, result, images), simulatedRoles: simulatedRoles(profile.backends) }, null, 2) + "\n");
  } else {
    process.stdout.write(iterationTable(result) + "\n");
    const notice = simulatorNotice(profile.backends);
    if (notice) process.stdout.write(notice + "\n");
    process.stdout.write(`Wrote ${images.length} images and trajectory.json to ${outDir}\n`);
  }
}

/**
 * A back-end profile by name (rig.config.json or RIG_CONFIG; "sim" always exists). A bad config or
 * an unknown name is a CLI error (the unknown name lists the profiles on one line).
 */
export function resolveCliProfile(name: string): Promise<ResolvedProfile> {
  return configErrorsAsCliErrors(resolveProfileByName(name));
}

/** A profile's Scorer for `rig eval` (backends/scorer.ts). */
export function resolveCliScorer(name: string): Promise<Grader> {
  return configErrorsAsCliErrors(resolveScorerByName(name));
}

async function configErrorsAsCliErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

async function readTarget(prompt: string | undefined, options: RunOptions): Promise<{ target: SceneGraph; diffuserPrompt: string }> {
  if (options.sceneGraph !== undefined && prompt !== undefined) throw new CliError("give either a prompt or --scene-graph, not both");
  if (options.sceneGraph !== undefined) {
    let text: string;
    try {
      text = await readFile(options.sceneGraph, "utf8");
    } catch (error) {
      throw new CliError(`cannot read ${options.sceneGraph}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const target = parseOrFail(text, options.sceneGraph);
    return { target, diffuserPrompt: sceneGraphToPromptText(target) };
  }
  if (prompt === undefined || prompt.trim() === "") throw new CliError('the prompt is empty: give a prompt such as "a dog left of a bench", or --scene-graph FILE');
  return { target: parseOrFail(prompt, "the prompt"), diffuserPrompt: prompt.trim() };
}

function parseOrFail(text: string, source: string): SceneGraph {
  try {
    return parseSceneGraphInput(text);
  } catch (error) {
    throw new CliError(`${source}: ${(error as Error).message}`);
  }
}

async function writeTrajectory(outDir: string, target: SceneGraph, prompt: string, options: RunOptions, profile: ResolvedProfile, result: LoopResult): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const images = await Promise.all(
    result.iterations.map(async (iteration) => {
      const file = path.join(outDir, `iteration-${String(iteration.index).padStart(2, "0")}.png`);
      await writeFile(file, await encodePng(iteration.image));
      return file;
    }),
  );
  const trajectory = {
    prompt,
    target,
    settings: { seed: options.seed, maxIterations: options.maxIterations, targetSgIoU: options.targetIou, patience: options.patience,
      profile: profile.name,
      backends: profile.backends,
      actorPolicy: options.actor,
      editorPolicy: options.editor,
      promptVersions: profile.promptVersions,
    },
    iterations: result.iterations.map(({ image: _image, ...iteration }, index) => ({ ...iteration, image: path.basename(images[index]!) })),
    best: { index: result.best, metrics: result.iterations[result.best]!.metrics },
    stopReason: result.stopReason,
    ...(result.judgement ? { judgement: result.judgement } : {}),
    totalMs: result.totalMs,
  };
  await writeFile(path.join(outDir, "trajectory.json"), JSON.stringify(trajectory, null, 2) + "\n");
  return images;
}

export function jsonSummary(target: SceneGraph, result: LoopResult, images: string[]) {
  return {
    target,
    iterations: result.iterations.map((iteration, index) => ({
      index: iteration.index,
      metrics: iteration.metrics,
      instruction: iteration.instruction ?? null,
      image: images[index]!,
    })),
    best: { index: result.best, metrics: result.iterations[result.best]!.metrics },
    stopReason: result.stopReason,
  };
}

export function iterationTable(result: LoopResult): string {
  const header = ["iter", "SG-IoU", "Entity", "Relation", "ms", "instruction"];
  const rows = result.iterations.map((iteration) => {
    const ms = Object.values(iteration.durationsMs).reduce((sum: number, value) => sum + (value ?? 0), 0);
    return [
      String(iteration.index) + (iteration.index === result.best ? "*" : ""),
      iteration.metrics.sgIoU.toFixed(3),
      iteration.metrics.entityIoU.toFixed(3),
      iteration.metrics.relationIoU.toFixed(3),
      ms.toFixed(0),
      iteration.instruction ?? "(generated)",
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  ");
  const best = result.iterations[result.best]!;
  return [
    line(header),
    ...rows.map(line),
    `Best: iteration ${result.best} (SG-IoU ${best.metrics.sgIoU.toFixed(3)}); stopped: ${result.stopReason}.`,
  ].join("\n");
}
