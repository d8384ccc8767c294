/**
 * `npm run bench`: the embedded world's figures, printed (not asserted). For each benchmark it
 * runs the full Generate-Reflect-Edit loop with default settings and reports single-shot
 * (iteration 0) vs loop-best SG-IoU, Entity-IoU and Relation-IoU, mean iterations used, and the
 * median time of one iteration (generate or edit + check + act).
 *
 *   npm run bench                 all data sets
 *   npm run bench -- --limit 50   the first 50 items of each
 *   npm run bench -- --only laion --patience 4   one data set, other loop settings
 */
import { readFileSync } from "node:fs";
import { datasetPath, genevalPositionPrompts, t2iCompBenchPrompts } from "./datasets";
import { createSimRoles } from "../lib/pipeline/backends/sim";
import { syntheticSceneGraph } from "../lib/pipeline/backends/sim/synthetic-graphs";
import { runLoop } from "../lib/pipeline/loop/engine";
import type { IterationRecord } from "../lib/pipeline/loop/types";
import { sceneGraphMetrics, type SceneGraphMetrics } from "../lib/pipeline/metrics/scene-graph-iou";
import { laionRecordToSceneGraph } from "../lib/pipeline/scene-graph/laion-sg";
import { parsePrompt } from "../lib/pipeline/scene-graph/parse-prompt";
import { sceneGraphToPromptText } from "../lib/pipeline/scene-graph/prompt-text";
import type { SceneGraph } from "../lib/pipeline/scene-graph/schema";

interface Item {
  target: SceneGraph;
  prompt: string;
}

interface Suite {
  name: string;
  items: Item[];
  /** The target for loop mean SG-IoU. */
  goal: number;
}

const option = (name: string) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : undefined;
};
const limit = option("--limit") ?? Infinity;
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
/** Loop settings other than the defaults, for experiments (`--max-iterations`, `--patience`). */
const loopSettings = { maxIterations: option("--max-iterations"), patience: option("--patience") };

function fromPrompts(prompts: string[]): Item[] {
  return prompts.slice(0, limit).map((prompt) => ({ target: parsePrompt(prompt), prompt }));
}

function laionStyleItems(count: number): Item[] {
  const record = laionRecordToSceneGraph(JSON.parse(readFileSync(datasetPath("laion-sg", "example_record.json"), "utf8")));
  const graphs = [record, ...Array.from({ length: count - 1 }, (_, index) => syntheticSceneGraph(1000 + index))];
  return graphs.slice(0, limit).map((target) => ({ target, prompt: sceneGraphToPromptText(target) }));
}

const suites: Suite[] = [
  { name: "GenEval position", items: fromPrompts(genevalPositionPrompts()), goal: 0.98 },
  { name: "T2I-CompBench spatial_val", items: fromPrompts(t2iCompBenchPrompts("spatial_val.txt")), goal: 0.98 },
  { name: "T2I-CompBench 3d_spatial_val", items: fromPrompts(t2iCompBenchPrompts("3d_spatial_val.txt")), goal: 0.98 },
  { name: "LAION-SG-format, 2-6 objects", items: laionStyleItems(200), goal: 0.9 },
];

const mean = (values: number[]) => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
};
const iterationMs = (record: IterationRecord) => Object.values(record.durationsMs).reduce((sum: number, value) => sum + (value ?? 0), 0);

const roles = createSimRoles();
const rows: string[][] = [];
const allIterationTimes: number[] = [];
const total = suites.reduce((sum, suite) => sum + suite.items.length, 0);
let done = 0;
const started = performance.now();

for (const suite of suites.filter((candidate) => !only || candidate.name.toLowerCase().includes(only.toLowerCase()))) {
  const oneShot: SceneGraphMetrics[] = [];
  const best: SceneGraphMetrics[] = [];
  const iterationsUsed: number[] = [];
  for (const [index, item] of suite.items.entries()) {
    const result = await runLoop(
      { target: item.target, prompt: item.prompt, seed: index + 1, ...(loopSettings.maxIterations ? { maxIterations: loopSettings.maxIterations } : {}), ...(loopSettings.patience ? { patience: loopSettings.patience } : {}) },
      { roles, score: sceneGraphMetrics },
    );
    oneShot.push(result.iterations[0]!.metrics);
    best.push(result.iterations[result.best]!.metrics);
    iterationsUsed.push(result.iterations.length);
    // The first iteration of the whole bench also loads sprites from disk: leave it out of timing.
    for (const record of result.iterations) if (done > 0 || record.index > 0) allIterationTimes.push(iterationMs(record));
    done += 1;
    if (process.stderr.isTTY) {
      const elapsed = (performance.now() - started) / 1000;
      process.stderr.write(`\r${suite.name}: ${index + 1}/${suite.items.length}  overall ${done}/${total}  ${elapsed.toFixed(0)} s  `);
    }
  }
  const loopSg = mean(best.map((metrics) => metrics.sgIoU));
  rows.push([
    suite.name,
    String(suite.items.length),
    ...(["sgIoU", "entityIoU", "relationIoU"] as const).map((key) => mean(oneShot.map((metrics) => metrics[key])).toFixed(3)),
    ...(["sgIoU", "entityIoU", "relationIoU"] as const).map((key) => mean(best.map((metrics) => metrics[key])).toFixed(3)),
    mean(iterationsUsed).toFixed(2),
    `${loopSg >= suite.goal ? "met" : "MISSED"} (>= ${suite.goal})`,
  ]);
}
if (process.stderr.isTTY) process.stderr.write("\r" + " ".repeat(100) + "\r");

const header = ["data set", "n", "1-shot SG", "1-shot Ent", "1-shot Rel", "loop SG", "loop Ent", "loop Rel", "iters", "loop SG goal"];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ");
console.log(format(header));
for (const row of rows) console.log(format(row));
console.log(
  `\nTime per iteration (generate or edit + check + act), ${allIterationTimes.length} iterations at 512x512: ` +
    `median ${median(allIterationTimes).toFixed(1)} ms (goal <= 50 ms), p90 ${[...allIterationTimes].sort((a, b) => a - b)[Math.floor(allIterationTimes.length * 0.9)]?.toFixed(1)} ms`,
);
console.log(`Published SDXL single-shot on CompSG-Bench, for the calibration: SG-IoU 0.226, Entity-IoU 0.753, Relation-IoU 0.658.`);
