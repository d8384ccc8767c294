/**
 * `npm run bench:train`: does Reflection-GRPO training beat the hand-tuned Actor on graphs it never
 * saw? Printed, not asserted.
 *
 * It trains the sim Actor (lib/pipeline/training) on seeded synthetic LAION-SG-format graphs, then
 * evaluates the hand-tuned ("heuristic") and the trained policy with the full loop on a disjoint,
 * held-out set, both graded by the world's oracle Scorer (never the Checker the loop and the
 * reward use), and prints loop SG-IoU per policy and the paired difference with a bootstrap 95%
 * interval. Everything is SIMULATED (the embedded world).
 *
 *   npm run bench:train                               5-8 objects, 60 training graphs, 40 steps, 100 held out
 *   npm run bench:train -- --steps 80 --train 120 --held-out 200 --out training-out
 *   npm run bench:train -- --learning-rate 0.02 --reward-from scorer
 *   npm run bench:train -- --init-uniform     start from the uniform policy (and show its score too)
 *   npm run bench:train -- --role editor      train the Editor's placement policy instead (the Actor stays hand-tuned)
 *   npm run bench:train -- --horizon 2        multi-step reward: each edit scored by the best of 2 more loop iterations
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { createSimRoles } from "../lib/pipeline/backends/sim";
import { defaultActorPolicy, policyFromVector, SimActor, type ActorPolicy } from "../lib/pipeline/backends/sim/actor";
import { SimOracleScorer } from "../lib/pipeline/backends/sim/scorer";
import { syntheticSceneGraph } from "../lib/pipeline/backends/sim/synthetic-graphs";
import { categoryOf, type DatasetItem } from "../lib/pipeline/datasets/types";
import { evaluate, pairedBootstrap, mulberry32, summariseEvaluation } from "../lib/pipeline/evaluation";
import type { CompletedItemResult } from "../lib/pipeline/evaluation/types";
import { sceneGraphToPromptText } from "../lib/pipeline/scene-graph/prompt-text";
import { SimEditor } from "../lib/pipeline/backends/sim/editor";
import { defaultEditorPolicy, editorPolicyFromVector, type EditorPolicy } from "../lib/pipeline/backends/sim/editor-policy";
import { defaultActorTrainingConfig, initialVector, trainActor } from "../lib/pipeline/training/actor-trainer";
import { actorCheckpoint, editorCheckpoint } from "../lib/pipeline/training/checkpoint";
import { defaultEditorTrainingConfig, initialEditorVector, trainEditor } from "../lib/pipeline/training/editor-trainer";

const option = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const outIndex = process.argv.indexOf("--out");
const outDir = outIndex >= 0 ? process.argv[outIndex + 1]! : undefined;
const shape = { minObjects: option("--min-objects", 5), maxObjects: option("--max-objects", 8), attributeRate: 0.7 };
const steps = option("--steps", 40);
const trainCount = option("--train", 60);
const heldOutCount = option("--held-out", 100);
const maxIterations = option("--max-iterations", 6);
const seed = option("--seed", 1);

// Training and held-out graphs come from disjoint seed ranges.
const training = Array.from({ length: trainCount }, (_, index) => syntheticSceneGraph(300_000 + index, shape));
const heldOut: DatasetItem[] = Array.from({ length: heldOutCount }, (_, index) => {
  const target = syntheticSceneGraph(900_000 + index, shape);
  return { id: `held-out-${index}`, target, prompt: sceneGraphToPromptText(target), source: { format: "laion-sg", line: index + 1 }, category: categoryOf(target) };
});

const started = performance.now();
const rewardFromIndex = process.argv.indexOf("--reward-from");
const rewardFrom = rewardFromIndex >= 0 && process.argv[rewardFromIndex + 1] === "scorer" ? "scorer" : "checker";
const init = process.argv.includes("--init-uniform") ? "uniform" : "heuristic";
const role = process.argv.includes("--role") && process.argv[process.argv.indexOf("--role") + 1] === "editor" ? "editor" : "actor";
const defaults = role === "editor" ? defaultEditorTrainingConfig : defaultActorTrainingConfig;
const schedule = { steps, seed, rewardFrom, init, learningRate: option("--learning-rate", defaults.learningRate) } as const;
const onStep = (row: { step: number; meanReward: number; kl: number }) => {
  if (process.stderr.isTTY) process.stderr.write(`\rtraining the ${role}: step ${row.step + 1}/${steps}  mean reward ${row.meanReward.toFixed(3)}  KL ${row.kl.toFixed(4)}  `);
};
const actorConfig = { ...defaultActorTrainingConfig, ...schedule, horizon: option("--horizon", defaultActorTrainingConfig.horizon) };
const editorConfig = { ...defaultEditorTrainingConfig, ...schedule };
const config = role === "editor" ? editorConfig : actorConfig;
const trained = role === "editor" ? await trainEditor(training, editorConfig, { onStep }) : await trainActor(training, actorConfig, { onStep });
if (process.stderr.isTTY) process.stderr.write("\r" + " ".repeat(80) + "\r");
const trainMs = performance.now() - started;
if (outDir) {
  await mkdir(outDir, { recursive: true });
  const checkpoint = role === "editor" ? editorCheckpoint(trained.vector, editorConfig, training, null) : actorCheckpoint(trained.vector, actorConfig, training, null);
  await writeFile(path.join(outDir, "checkpoint.json"), JSON.stringify(checkpoint, null, 2) + "\n");
  await writeFile(path.join(outDir, "metrics.jsonl"), trained.metrics.map((row) => JSON.stringify(row)).join("\n") + "\n");
}

async function evaluatePolicies(actor: ActorPolicy, editor: EditorPolicy) {
  const world = createSimRoles();
  const roles = { ...world, actor: new SimActor(actor), editor: new SimEditor(world.library, world.style, editor) };
  const run = await evaluate(heldOut, { createRoles: () => roles, grader: { scorer: new SimOracleScorer(world.library), scoredBy: "oracle" }, seed: 1, settings: { maxIterations, patience: maxIterations }, concurrency: 1 });
  return run.results.filter((result): result is CompletedItemResult => result.status === "done");
}

/** The trained role's policy from a parameter vector, with the other role hand-tuned. */
const evaluatePolicy = (vector: number[]) =>
  role === "editor" ? evaluatePolicies(defaultActorPolicy, editorPolicyFromVector(vector)) : evaluatePolicies(policyFromVector(vector), defaultEditorPolicy);
const heuristic = await evaluatePolicies(defaultActorPolicy, defaultEditorPolicy);
// Trained from the uniform policy: also show where it started, so learning itself is visible.
const start = init === "uniform" ? await evaluatePolicy(role === "editor" ? initialEditorVector("uniform") : initialVector("uniform")) : undefined;
const learned = await evaluatePolicy(trained.vector);
/** Paired per-item difference a - b of a reading's loop SG-IoU, with a bootstrap interval. */
const pairedGain = (a: CompletedItemResult[], b: CompletedItemResult[], reading: (result: CompletedItemResult) => number) => {
  const byId = new Map(b.map((result) => [result.id, result]));
  const paired = a.filter((result) => byId.has(result.id));
  return { n: paired.length, ...pairedBootstrap(paired.map((result) => reading(result) - reading(byId.get(result.id)!)), 2000, mulberry32(seed)) };
};
const byScorer = (result: CompletedItemResult) => result.loop.sgIoU;
const byChecker = (result: CompletedItemResult) => result.checkerReported!.loop.sgIoU;
const difference = pairedGain(learned, heuristic, byScorer);
const checkerDifference = pairedGain(learned, heuristic, byChecker);
const row = (name: string, results: CompletedItemResult[]) => {
  const summary = summariseEvaluation(results);
  return `${name.padEnd(10)} one-shot ${summary.oneShot.sgIoU.toFixed(3)}  loop ${summary.loop.sgIoU.toFixed(3)}  Entity ${summary.loop.entityIoU.toFixed(3)}  iterations ${summary.meanIterations.toFixed(2)}  (Checker's loop reading ${summary.checkerReported?.loop.sgIoU.toFixed(3)})`;
};
const signed = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(3)}`;
console.log(`SIMULATED. Trained the ${role} ${steps} steps (${config.statesPerStep} states x ${config.groupSize} edits, learning rate ${config.learningRate}, reward from the ${config.rewardFrom}${role === "actor" && actorConfig.horizon > 0 ? `, horizon ${actorConfig.horizon}` : ""}) on ${trainCount} graphs of ${shape.minObjects}-${shape.maxObjects} objects in ${(trainMs / 1000).toFixed(0)} s.`);
console.log(`Held out: ${heldOut.length} other graphs, budget ${maxIterations} iterations, graded by the world's oracle Scorer:`);
console.log(row("heuristic", heuristic));
if (start) console.log(row("uniform", start));
console.log(row("trained", learned));
if (start) {
  const fromStart = pairedGain(learned, start, byScorer);
  console.log(`trained - uniform (its start), loop SG-IoU by the Scorer: ${signed(fromStart.mean)} [${signed(fromStart.low)}, ${signed(fromStart.high)}]`);
}
console.log(`trained - heuristic, loop SG-IoU by the Scorer: ${signed(difference.mean)} [${signed(difference.low)}, ${signed(difference.high)}] (n=${difference.n}; by the Checker: ${signed(checkerDifference.mean)} [${signed(checkerDifference.low)}, ${signed(checkerDifference.high)}])`);
console.log(`trained parameters: ${trained.vector.map((value) => value.toFixed(3)).join(", ")}`);
