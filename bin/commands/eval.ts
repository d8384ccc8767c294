import { z } from "zod";
import { CliError } from "../cli-error";
import { parseOptions, wholeNumber } from "../options";
import { resolveCliProfile, resolveCliScorer } from "./run";
import type { EvaluationProfile } from "../../lib/pipeline/evaluation/profiles";
import { datasetFormats, DatasetImportError, importDatasetFile, type DatasetFormat } from "../../lib/pipeline/datasets";
import { describeGrading, evaluate, isEvaluationProfile, summariseEvaluation, type EvaluationProgress, type EvaluationSummary } from "../../lib/pipeline/evaluation";
import { assertCapabilities, CapabilityError } from "../../lib/pipeline/loop/capabilities";
import { actorPolicyVector, editorPolicyWeights, withRolePolicies } from "./actor-option";
import { allSimBackends, simulatedRoles, simulatorNotice } from "../../lib/pipeline/backends/simulated";

const optionsSchema = z.object({
  dataset: z.string().min(1),
  format: z.string(),
  limit: wholeNumber(1).optional(),
  profile: z.string(),
  json: z.boolean().optional(),
  lenient: z.boolean().optional(),
  concurrency: wholeNumber(1, 64).optional(),
  seed: wholeNumber(0, 2 ** 32 - 1),
  maxIterations: wholeNumber(1, 50),
  actor: z.string().min(1).default("heuristic"),
  editor: z.string().min(1).default("heuristic"),
});

/**
 * `rig eval`: evaluate a data set file, one-shot vs Generate-Reflect-Edit. Progress (items done,
 * rate, ETA) goes to stderr on a terminal; the summary table, or with --json one document, to
 * stdout. Ctrl-C stops early and still prints the summary of the finished items.
 */
export async function evalCommand(rawOptions: unknown): Promise<void> {
  const options = parseOptions(optionsSchema, rawOptions);
  if (!(datasetFormats as readonly string[]).includes(options.format)) {
    throw new CliError(`unknown --format "${options.format}"; formats: ${datasetFormats.join(", ")}`);
  }
  // "sim" runs on worker threads (CPU-bound); any other profile is I/O-bound and runs in this
  // thread through createRoles. Resolving first makes an unknown name fail before the import.
  const inThread = isEvaluationProfile(options.profile) ? undefined : await resolveCliProfile(options.profile);
  // Who grades the reported figures (the worker-thread profiles bring their own: the world's oracle).
  const grader = inThread ? await resolveCliScorer(options.profile) : undefined;
  // --actor, --editor: in this thread the roles change; worker threads get the policies as vectors.
  const loopRoles = inThread ? await withRolePolicies(inThread.roles, options, inThread.backends) : undefined;
  const actorVector = !inThread && options.actor !== "heuristic" ? await actorPolicyVector(options.actor, allSimBackends.actor) : undefined;
  const editorWeights = !inThread && options.editor !== "heuristic" ? await editorPolicyWeights(options.editor, allSimBackends.editor) : undefined;
  // The worker-thread profiles (evaluationProfiles) are the embedded world on every role.
  const backends = inThread ? inThread.backends : allSimBackends;
  if (inThread) {
    // The loop would refuse every item; say it once, before anything runs.
    try {
      assertCapabilities(inThread.roles, inThread.capabilities, options.maxIterations);
    } catch (error) {
      if (error instanceof CapabilityError) throw new CliError(`profile "${inThread.name}": ${error.message}`);
      throw error;
    }
  }

  let imported;
  try {
    imported = await importDatasetFile(options.dataset, options.format as DatasetFormat, { mode: options.lenient ? "lenient" : "strict" });
  } catch (error) {
    if (error instanceof DatasetImportError) throw new CliError(error.message);
    throw error;
  }
  if (imported.skipped.length > 0) {
    const first = imported.skipped[0]!;
    process.stderr.write(`rig: skipped ${imported.skipped.length} bad line(s); first ${options.dataset}:${first.line}: ${first.reason}\n`);
  }
  const items = imported.items.slice(0, options.limit);
  if (items.length === 0) throw new CliError(`${options.dataset}: no usable items`);

  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once("SIGINT", interrupt);
  const progress = progressBar(process.stderr);
  let run;
  try {
    run = await evaluate(items, {
      ...(inThread
        ? { createRoles: () => loopRoles!, capabilities: inThread.capabilities, grader }
        : { profile: options.profile as EvaluationProfile, ...(actorVector || editorWeights ? { profileOptions: { ...(actorVector ? { actor: actorVector } : {}), ...(editorWeights ? { editor: editorWeights } : {}) } } : {}) }),
      concurrency: options.concurrency,
      seed: options.seed,
      settings: { maxIterations: options.maxIterations },
      signal: controller.signal,
      onProgress: progress.update,
    });
  } finally {
    progress.done();
    process.off("SIGINT", interrupt);
  }
  const summary = summariseEvaluation(run.results, { seed: options.seed });
  if (run.cancelled) process.stderr.write(`rig: interrupted after ${run.results.length} of ${items.length} items\n`);
  if (summary.failed > 0) {
    const failure = run.results.find((result) => result.status === "failed");
    process.stderr.write(`rig: ${summary.failed} item(s) failed; first ${failure?.id}: ${failure?.status === "failed" ? failure.error : ""}\n`);
  }
  if (options.json) {
    const { count, oneShot, loop, meanIterations, perIteration, ...rest } = summary;
    const document = {
      count,
      oneShot,
      loop,
      meanIterations,
      perIteration,
      ...rest,
      skippedLines: imported.skipped,
      cancelled: run.cancelled,
      settings: {
        ...run.settings,
        profile: options.profile,
        backends,
        simulatedRoles: simulatedRoles(backends),
        actorPolicy: options.actor,
        editorPolicy: options.editor,
        ...(inThread ? { promptVersions: inThread.promptVersions } : {}),
        format: options.format,
        dataset: options.dataset,
      },
      wallMs: Math.round(run.wallMs),
    };
    process.stdout.write(JSON.stringify(document, null, 2) + "\n");
  } else {
    process.stdout.write(summaryTable(summary) + "\n");
    const notice = simulatorNotice(backends);
    if (notice) process.stdout.write(notice + "\n");
  }
  if (run.cancelled) process.exitCode = 130;
}

/** A one-line bar on a terminal: items done, rate, ETA. Silent when stderr is not a terminal. */
function progressBar(stream: NodeJS.WriteStream) {
  const enabled = Boolean(stream.isTTY);
  const clock = (ms: number) => {
    const seconds = Math.max(0, Math.round(ms / 1000));
    return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s` : `${seconds}s`;
  };
  return {
    update(event: EvaluationProgress) {
      if (!enabled) return;
      const width = 24;
      const filled = Math.round((event.done / event.total) * width);
      const failed = event.failed ? `  ${event.failed} failed` : "";
      stream.write(
        `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${event.done}/${event.total} items  ${event.itemsPerSecond.toFixed(1)} items/s  ETA ${clock(event.etaMs ?? 0)}${failed}`.padEnd(80),
      );
    },
    done() {
      if (enabled) stream.write("\r" + " ".repeat(80) + "\r");
    },
  };
}

const signed = (value: number, digits = 3) => `${value >= 0 ? "+" : ""}${value.toFixed(digits)}`;

export function summaryTable(summary: EvaluationSummary): string {
  const rows: string[][] = [["", "one-shot", "loop", "difference [95% CI]"]];
  for (const [label, key] of [["SG-IoU", "sgIoU"], ["Entity-IoU", "entityIoU"], ["Relation-IoU", "relationIoU"]] as const) {
    const difference = summary.difference[key];
    rows.push([label, summary.oneShot[key].toFixed(3), summary.loop[key].toFixed(3), `${signed(difference.mean)} [${signed(difference.low)}, ${signed(difference.high)}]`]);
  }
  const judge = summary.difference.judge;
  rows.push([
    "Judge (1-10)",
    summary.oneShot.judge?.toFixed(2) ?? "-",
    summary.loop.judge?.toFixed(2) ?? "-",
    judge ? `${signed(judge.mean, 2)} [${signed(judge.low, 2)}, ${signed(judge.high, 2)}]` : "-",
  ]);
  if (summary.t2iCompBench) {
    const t2i = summary.t2iCompBench;
    rows.push([`T2I-CompBench spatial (n=${t2i.count})`, t2i.oneShot.toFixed(3), t2i.loop.toFixed(3), signed(t2i.loop - t2i.oneShot)]);
  }
  if (summary.genevalPosition) {
    const position = summary.genevalPosition;
    rows.push([`GenEval position (n=${position.count})`, position.oneShot.toFixed(3), position.loop.toFixed(3), signed(position.loop - position.oneShot)]);
  }
  const lines = [
    `${summary.count} items${summary.failed ? ` (${summary.failed} failed, not counted)` : ""}; ${describeGrading(summary)}`,
    ...table(rows),
    ...checkerRows(summary),
    ...testIouRows(summary),
    `Mean iterations: ${summary.meanIterations.toFixed(2)}`,
    `Mean SG-IoU by iteration (best so far, the Checker's reading): ${summary.perIteration.map((point) => `${point.index}: ${point.sgIoU.toFixed(3)}`).join("  ")}`,
    "",
    ...breakdown("relation class", summary.byRelationClass),
    ...breakdown("objects", summary.byObjectCount),
    ...(summary.byTag.length ? breakdown("GenEval tag", summary.byTag) : []),
    "Worst cases (loop SG-IoU, then gain):",
    ...table(summary.worst.slice(0, 5).map((row) => [row.id, `${row.oneShotSgIoU.toFixed(3)} -> ${row.loopSgIoU.toFixed(3)}`, `${row.iterations} it.`, row.prompt])).map((line) => `  ${line}`),
  ];
  return lines.join("\n");
}

/** The loop Checker's readings of the same images, and how far it flatters itself. */
function checkerRows(summary: EvaluationSummary): string[] {
  const checker = summary.checkerReported;
  const gap = summary.checkerGap;
  if (!checker || !gap) return [];
  return [
    `The loop's Checker read the same images (n=${checker.count}) as: SG-IoU one-shot ${checker.oneShot.sgIoU.toFixed(3)}, loop ${checker.loop.sgIoU.toFixed(3)}; ` +
      `its loop SG-IoU is ${signed(gap.mean)} [${signed(gap.low)}, ${signed(gap.high)}] off the Scorer's`,
  ];
}

function testIouRows(summary: EvaluationSummary): string[] {
  const exact = summary.testIou;
  if (!exact) return [];
  const cells = (metrics: { sgIoU: number; entityIoU: number; relationIoU: number }) => `SG ${metrics.sgIoU.toFixed(3)}, Entity ${metrics.entityIoU.toFixed(3)}, Relation ${metrics.relationIoU.toFixed(3)}`;
  return [`LAION-SG test_iou.py (exact strings): one-shot ${cells(exact.oneShot)}; loop ${cells(exact.loop)}`];
}

function breakdown(title: string, rows: EvaluationSummary["byRelationClass"]): string[] {
  return [...table([[title, "n", "one-shot SG", "loop SG"], ...rows.map((row) => [row.category, String(row.count), row.oneShotSgIoU.toFixed(3), row.loopSgIoU.toFixed(3)])]), ""];
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  "));
}
