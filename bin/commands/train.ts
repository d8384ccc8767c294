import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { CliError } from "../cli-error";
import { parseOptions, wholeNumber } from "../options";
import { postgresUrl, serverEnv } from "../../lib/env";
import { policyVector } from "../../lib/pipeline/backends/sim/actor";
import { syntheticSceneGraph } from "../../lib/pipeline/backends/sim/synthetic-graphs";
import { datasetFormats, DatasetImportError, importDatasetFile, type DatasetFormat } from "../../lib/pipeline/datasets";
import type { SceneGraph } from "../../lib/pipeline/scene-graph/schema";
import { encodePng } from "../../lib/pipeline/image/png";
import { defaultActorTrainingConfig, trainActor, type ActorTrainingConfig, type RolloutState } from "../../lib/pipeline/training/actor-trainer";
import { actorCheckpoint, editorCheckpoint, loadActorPolicy, loadEditorPolicy } from "../../lib/pipeline/training/checkpoint";
import { defaultEditorTrainingConfig, trainEditor, type EditorTrainingConfig } from "../../lib/pipeline/training/editor-trainer";
import type { GrpoHooks, StepMetrics, WeighedGroup } from "../../lib/pipeline/training/grpo-trainer";

const optionsSchema = z.object({
  dataset: z.string().min(1).optional(),
  format: z.string().optional(),
  synthetic: wholeNumber(1, 10_000).optional(),
  steps: wholeNumber(1, 10_000),
  groupSize: wholeNumber(2, 64),
  statesPerStep: wholeNumber(1, 256),
  seed: wholeNumber(0, 2 ** 32 - 1),
  init: z.string(),
  horizon: wholeNumber(0, 20),
  rewardFrom: z.enum(["checker", "scorer"], { error: 'must be "checker" or "scorer"' }),
  out: z.string().min(1, "is required"),
  json: z.boolean().optional(),
  queue: z.boolean().optional(),
});

/**
 * `rig train actor|editor`: Reflection-GRPO on the embedded world's Actor (which edit to ask for) or
 * Editor (where to place what it is told to), lib/pipeline/training. Writes
 * `OUT/checkpoint.json` (versioned; config, data hash, seed, git revision), `OUT/groups/` (every
 * rollout group: the state, each candidate's probability, reward and advantage) and `OUT/metrics.jsonl`
 * (one line per step), shows progress on a terminal, and with --json prints a summary. The same
 * data, options and seed give the same checkpoint. The Actor and the Editor train separately (the
 * paper's two phases): while one trains, the other keeps its hand-tuned policy.
 */
export async function trainCommand(kind: string, rawOptions: unknown): Promise<void> {
  if (kind !== "actor" && kind !== "editor") throw new CliError(`rig train: unknown role "${kind}"; one of: actor, editor`);
  const options = parseOptions(optionsSchema, rawOptions);
  if (kind === "editor" && options.queue) throw new CliError("--queue computes the Actor's rollout groups only; train the Editor without it");
  if (kind === "editor" && options.horizon > 0) throw new CliError("--horizon (multi-step reward) applies to the Actor; the Editor's reward is its edit's own");
  const graphs = await trainingGraphs(options);
  const init: ActorTrainingConfig["init"] = options.init === "uniform" || options.init === "heuristic" ? options.init : { vector: await initOrFail(kind, options.init) };
  const schedule = { steps: options.steps, groupSize: options.groupSize, statesPerStep: options.statesPerStep, seed: options.seed, rewardFrom: options.rewardFrom, init };
  const config: ActorTrainingConfig | EditorTrainingConfig = kind === "actor" ? { ...defaultActorTrainingConfig, ...schedule, horizon: options.horizon } : { ...defaultEditorTrainingConfig, ...schedule };
  await mkdir(options.out, { recursive: true });
  const metricsFile = path.join(options.out, "metrics.jsonl");
  await writeFile(metricsFile, "");
  const lines: string[] = [];
  const groups = await rolloutGroupWriter(path.join(options.out, "groups"));
  const tty = Boolean(process.stderr.isTTY);
  const queue = options.queue ? await trainingQueue() : undefined;
  const hooks: GrpoHooks<string, RolloutState> = {
    onStep: (row: StepMetrics) => {
      lines.push(JSON.stringify(row));
      if (tty) {
        const width = 24;
        const filled = Math.round(((row.step + 1) / config.steps) * width);
        process.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] step ${row.step + 1}/${config.steps}  reward ${row.meanReward.toFixed(3)}  KL ${row.kl.toFixed(4)}  entropy ${row.entropy.toFixed(2)}`.padEnd(90));
      }
    },
    onGroup: groups.add,
  };
  const result =
    kind === "actor"
      ? await trainActor(graphs, config as ActorTrainingConfig, { ...hooks, ...(queue ? { rollouts: queue.executor } : {}) })
      : await trainEditor(graphs, config as EditorTrainingConfig, hooks);
  await queue?.stop();
  const groupsFile = await groups.close();
  if (tty) process.stderr.write("\r" + " ".repeat(90) + "\r");
  await writeFile(metricsFile, lines.join("\n") + "\n");
  const checkpoint = kind === "actor" ? actorCheckpoint(result.vector, config as ActorTrainingConfig, graphs, gitRevision()) : editorCheckpoint(result.vector, config as EditorTrainingConfig, graphs, gitRevision());
  const checkpointFile = path.join(options.out, "checkpoint.json");
  await writeFile(checkpointFile, JSON.stringify(checkpoint, null, 2) + "\n");
  const last = result.metrics.at(-1)!;
  const summary = { checkpoint: checkpointFile, metrics: metricsFile, groups: groupsFile, graphs: graphs.length, steps: config.steps, finalMeanReward: last.meanReward, finalKl: last.kl, parameters: Object.fromEntries(checkpoint.parameters.names.map((name, index) => [name, checkpoint.parameters.values[index]])) };
  if (options.json) process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
  else {
    process.stdout.write(`Trained the ${kind === "actor" ? "Actor" : "Editor"} for ${config.steps} steps on ${graphs.length} graphs (SIMULATED world); last mean reward ${last.meanReward.toFixed(3)}, KL ${last.kl.toFixed(4)}.\n`);
    process.stdout.write(`Wrote ${checkpointFile}, ${metricsFile} and the rollout groups ${groupsFile} (DPO pairs: rig export --format dpo). Use it with rig run --${kind} ${checkpointFile}; compare it with the hand-tuned one on held-out graphs: npm run bench:train${kind === "editor" ? " -- --role editor" : ""}.\n`);
  }
}

/**
 * OUT/groups/groups.jsonl, one rollout group per line (the state's image in OUT/groups/images/),
 * written as training runs: images are encoded at once, so no raster is held for long.
 */
async function rolloutGroupWriter(folder: string) {
  await mkdir(path.join(folder, "images"), { recursive: true });
  const pending: Promise<string>[] = [];
  return {
    add: (group: WeighedGroup<string, RolloutState>) => {
      const image = path.join("images", `step-${String(group.step).padStart(3, "0")}-${String(pending.length).padStart(4, "0")}.png`);
      pending.push(
        encodePng(group.state.image).then(async (png) => {
          await writeFile(path.join(folder, image), png);
          const { image: _raster, seed: _seed, ...state } = group.state;
          return JSON.stringify({ step: group.step, state: { ...state, image }, samples: group.samples });
        }),
      );
    },
    close: async () => {
      const file = path.join(folder, "groups.jsonl");
      const lines = await Promise.all(pending);
      await writeFile(file, lines.join("\n") + (lines.length ? "\n" : ""));
      return file;
    },
  };
}

async function trainingGraphs(options: z.infer<typeof optionsSchema>): Promise<SceneGraph[]> {
  if (options.synthetic !== undefined) {
    if (options.dataset) throw new CliError("give either --dataset or --synthetic, not both");
    return Array.from({ length: options.synthetic }, (_, index) => syntheticSceneGraph(300_000 + index, { minObjects: 5, maxObjects: 8, attributeRate: 0.7 }));
  }
  if (!options.dataset || !options.format) throw new CliError("give --dataset FILE --format FORMAT, or --synthetic N");
  if (!(datasetFormats as readonly string[]).includes(options.format)) throw new CliError(`unknown --format "${options.format}"; formats: ${datasetFormats.join(", ")}`);
  try {
    const { items } = await importDatasetFile(options.dataset, options.format as DatasetFormat, { mode: "strict" });
    if (items.length === 0) throw new CliError(`${options.dataset}: no usable items`);
    return items.map((item) => item.target);
  } catch (error) {
    if (error instanceof DatasetImportError) throw new CliError(error.message);
    throw error;
  }
}

/**
 * --queue: the rollout groups are jobs of the PostgreSQL queue, computed by every `rig worker` and by
 * this process (one at a time), with the same result as in one process.
 */
async function trainingQueue() {
  const url = postgresUrl(serverEnv());
  if (!url) throw new CliError("--queue needs PostgreSQL: set DATABASE_URL=postgres://user:password@host:5432/rig, and start rig worker on the hosts that should compute rollouts");
  const { startTrainingQueue } = await import("../../lib/jobs/training-queue");
  const queue = await startTrainingQueue({ connectionString: url });
  await queue.work(1);
  return queue;
}

/** --init's parameters: the checkpoint of the same role. */
async function initOrFail(kind: "actor" | "editor", name: string): Promise<number[]> {
  try {
    return kind === "actor" ? policyVector(await loadActorPolicy(name)) : (await loadEditorPolicy(name)).weights;
  } catch (error) {
    throw new CliError(`--init: ${(error as Error).message}`);
  }
}

function gitRevision(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}
