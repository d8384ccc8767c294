#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { runCommand } from "./commands/run";
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
  .option("--json", "print one JSON document to stdout instead of the table")
  .action(runCommand);

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
