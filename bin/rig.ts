#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { backendsCheckCommand, backendsListCommand } from "./commands/backends";
import { evalCommand } from "./commands/eval";
import { exportCommand } from "./commands/export";
import { runCommand } from "./commands/run";
import { trainCommand } from "./commands/train";
import { workerCommand } from "./commands/worker";
import { CliError } from "./cli-error";

/**
 * `rig`: the command-line entry of rl-rig (run as `npm run rig -- <command>`).
 * Every failure ends as one line on stderr and a non-zero exit code, never a stack trace.
 */
const program = new Command()
  .name("rig")
  .description("Spatially faithful image generation with a Generate-Reflect-Edit loop (embedded CPU world by default).")
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text.split("\n")[0]!.trim() + "\n") });

program
  .command("run")
  .description("Run the Generate-Reflect-Edit loop on a prompt or a scene graph and write every iteration.")
  .argument("[prompt]", 'text prompt, e.g. "a photo of a dog right of a teddy bear"')
  .option("--scene-graph <file>", "a scene graph or LAION-SG record (JSON) instead of a prompt")
  .option("--out <dir>", "where to write iteration PNGs and trajectory.json (default runs-out/<time>-seed<seed>)")
  .option("--max-iterations <n>", "iterations including the first generation", "6")
  .option("--seed <n>", "run seed: the same seed gives the same run", "1")
  .option("--target-iou <x>", "stop once SG-IoU reaches this", "1")
  .option("--patience <n>", "stop after this many iterations without improvement", "3")
  .option("--profile <name>", "back-end profile from rig.config.json (or RIG_CONFIG)", "sim")
  .option("--actor <policy>", "the sim Actor's policy: heuristic | uniform | a checkpoint.json from rig train actor", "heuristic")
  .option("--editor <policy>", "the sim Editor's placement policy: heuristic | uniform | a checkpoint.json from rig train editor", "heuristic")
  .option("--json", "print one JSON document to stdout instead of the table")
  .action(runCommand);

program
  .command("eval")
  .description("Evaluate a data set: one-shot generation vs the Generate-Reflect-Edit loop, with a summary table.")
  .requiredOption("--dataset <file>", "the data set file")
  .requiredOption("--format <format>", "laion-sg | geneval | t2i-compbench | dsg | text")
  .option("--limit <n>", "evaluate only the first N items")
  .option("--profile <name>", "back-end profile", "sim")
  .option("--json", "print one JSON document to stdout instead of the table")
  .option("--lenient", "skip bad lines (listed on stderr) instead of failing at the first")
  .option("--concurrency <n>", "items at once (default: one worker thread per core)")
  .option("--seed <n>", "evaluation seed: the same seed gives the same numbers", "1")
  .option("--max-iterations <n>", "iterations per item including the first generation", "6")
  .option("--actor <policy>", "the sim Actor's policy: heuristic | uniform | a checkpoint.json from rig train actor", "heuristic")
  .option("--editor <policy>", "the sim Editor's placement policy: heuristic | uniform | a checkpoint.json from rig train editor", "heuristic")
  .action(evalCommand);

program
  .command("train")
  .description("Reflection-GRPO: train the embedded world's Actor or Editor; writes OUT/checkpoint.json, OUT/metrics.jsonl and the rollout groups OUT/groups/.")
  .argument("<role>", "actor (which edit to ask for) | editor (where to place what it is told to)")
  .option("--dataset <file>", "training scene graphs (a data set file)")
  .option("--format <format>", "laion-sg | geneval | t2i-compbench | dsg | text")
  .option("--synthetic <n>", "train on N seeded synthetic LAION-SG-format graphs of 5-8 objects instead")
  .option("--steps <n>", "optimisation steps", "40")
  .option("--group-size <n>", "candidates sampled per state (G): instructions (actor), placements (editor)", "8")
  .option("--states-per-step <n>", "loop states per step", "8")
  .option("--seed <n>", "the same seed, data and options give the same checkpoint", "1")
  .option("--init <policy>", "uniform | heuristic | a checkpoint.json", "heuristic")
  .option("--horizon <n>", "actor: reward each edit by the best of N more loop iterations after it (0: the edit alone)", "0")
  .option("--reward-from <reader>", "checker (the loop's, as deployed) | scorer (the world's oracle)", "checker")
  .requiredOption("--out <dir>", "where to write checkpoint.json and metrics.jsonl")
  .option("--queue", "compute the rollout groups on the PostgreSQL queue (every rig worker, and this process)")
  .option("--json", "print a JSON summary")
  .action(trainCommand);

program
  .command("export")
  .description("Actor training data: edit states of rig run trajectories (OUT/data.jsonl + images, or OUT/data.parquet for verl), or DPO pairs from rig train's rollout groups.")
  .argument("<sources...>", "folders (or files) holding trajectory.json, or groups.jsonl for dpo")
  .requiredOption("--format <format>", "openrlhf | trl | verl (from rig run --out folders) | dpo (from rig train actor --out folders)")
  .requiredOption("--out <dir>", "where to write the data set")
  .option("--split <name>", "verl's extra_info.split", "train")
  .option("--min-gap <reward>", "dpo: the smallest reward gap between chosen and rejected", "0.05")
  .action(exportCommand);

program
  .command("worker")
  .description("Execute runs from the PostgreSQL job queue on this host (DATABASE_URL=postgres://...), beside the web app and other workers.")
  .option("--concurrency <n>", "runs executed at once here (default RIG_WORKER_CONCURRENCY, 2)")
  .option("--heartbeat <seconds>", "a run held by a worker silent this long goes to another worker", "20")
  .action(workerCommand);

const backends = program
  .command("backends")
  .description("List the back-end profiles (rig.config.json, or the file in RIG_CONFIG); never shows secrets.")
  .action(backendsListCommand);
backends
  .command("check")
  .description("Call each back end's cheapest endpoint: reachable, model present, latency per role; non-zero exit when any fails.")
  .argument("[profile]", "the profile to check (default: every profile)")
  .action(backendsCheckCommand);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander already printed its one-line message (help and version exit 0).
    process.exitCode = error.exitCode;
  } else if (error instanceof CliError) {
    process.stderr.write(`rig: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`rig: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
