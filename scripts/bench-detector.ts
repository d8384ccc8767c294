/**
 * Benchmark of the sim world's pixel detector: N seeded random scenes (2-8 objects, look-alike
 * label pool, ~40% recoloured, occlusion with every object >= 55% visible), rendered, then
 * detected from pixels only. Prints identification, relation agreement, colour naming,
 * median/p90/max detection time (after one untimed warm-up detection) and the slowest seeds.
 * Each scene is detected twice: with the full vocabulary (every label plus look-alike
 * distractors, as the sim Checker calls it) and with a partial one (1-3 of its labels and maybe
 * one absent look-alike, as the sim Editor calls it; the other objects are unknown foreground).
 * Usage: npx tsx scripts/bench-detector.ts [scenes=1000] [firstSeed=1]
 */
import { detectObjects } from "../lib/pipeline/backends/sim/world/detect";
import { scoreStats } from "../lib/pipeline/backends/sim/world/detect-score";
import { emptyPartialTally, emptyTally, tallyPartial, tallyScene } from "../lib/pipeline/backends/sim/world/evaluate-detections";
import { partialCandidates, randomScene } from "../lib/pipeline/backends/sim/world/random-scenes";
import { renderScene } from "../lib/pipeline/backends/sim/world/render";
import { defaultSpriteLibrary } from "../lib/pipeline/backends/sim/world/sprite-library";
import { defaultWorldStyle } from "../lib/pipeline/backends/sim/world/world";

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1000);
  const firstSeed = Number(process.argv[3] ?? 1);
  const library = defaultSpriteLibrary();
  const tally = emptyTally();
  const partial = emptyPartialTally();
  const detectTimes: number[] = [];
  const partialTimes: number[] = [];
  // Work measures that do not depend on the machine's load: CPU time and samples compared, per mode.
  const work = { full: { cpu: 0, coarse: 0, exact: 0 }, partial: { cpu: 0, coarse: 0, exact: 0 } };
  const measured = <T>(into: { cpu: number; coarse: number; exact: number }, times: number[], run: () => T): T => {
    const { coarseSamples, exactSamples } = scoreStats;
    const cpu = process.cpuUsage();
    const start = performance.now();
    const result = run();
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    into.cpu += (used.user + used.system) / 1000;
    into.coarse += scoreStats.coarseSamples - coarseSamples;
    into.exact += scoreStats.exactSamples - exactSamples;
    return result;
  };
  const renderTimes: number[] = [];
  // Warm-up (JIT): one untimed detection. Templates of labels not seen yet are still built lazily
  // inside the timed calls, so the first scenes' times include that one-off cost.
  const warmUp = await randomScene(firstSeed, library, defaultWorldStyle);
  detectObjects(warmUp.render.image, warmUp.candidates, library, defaultWorldStyle);
  for (let seed = firstSeed; seed < firstSeed + count; seed++) {
    const scene = await randomScene(seed, library, defaultWorldStyle);
    const start = performance.now();
    await renderScene(scene.layout, library);
    renderTimes.push(performance.now() - start);
    const detections = measured(work.full, detectTimes, () => detectObjects(scene.render.image, scene.candidates, library, defaultWorldStyle));
    tallyScene(tally, seed, scene, detections);
    const candidates = partialCandidates(seed, scene);
    await library.load(candidates);
    const partialDetections = measured(work.partial, partialTimes, () => detectObjects(scene.render.image, candidates, library, defaultWorldStyle));
    tallyPartial(partial, seed, scene, candidates, partialDetections);
  }
  const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(2)}%`;
  console.log(`scenes ${count} (seeds ${firstSeed}..${firstSeed + count - 1}), objects ${tally.objects}`);
  console.log(`identification ${pct(tally.identified, tally.objects)}  (missed ${tally.missed}, wrong label ${tally.wrongLabel}, spurious ${tally.spurious})`);
  console.log(`relation agreement ${pct(tally.relationsAgreeing, tally.relations)} over ${tally.relations} (pair, class) checks`);
  console.log(`colour naming (recoloured) ${pct(tally.recolouredNamed, tally.recoloured)} of ${tally.recoloured}`);
  console.log(`detectObjects ms: median ${percentile(detectTimes, 0.5).toFixed(1)}  p90 ${percentile(detectTimes, 0.9).toFixed(1)}  max ${Math.max(...detectTimes).toFixed(1)}`);
  console.log(
    `partial vocabulary: found ${pct(partial.found, partial.objects)} of ${partial.objects} given-label objects, spurious ${partial.spurious} (${pct(partial.spurious, partial.objects)})`,
  );
  console.log(`partial detectObjects ms: median ${percentile(partialTimes, 0.5).toFixed(1)}  p90 ${percentile(partialTimes, 0.9).toFixed(1)}  max ${Math.max(...partialTimes).toFixed(1)}`);
  // Load-independent work measures (wall times vary with whatever else the machine runs).
  for (const [mode, w] of Object.entries(work)) {
    console.log(`${mode} vocabulary per scene: CPU ${(w.cpu / count).toFixed(1)} ms, samples compared coarse ${Math.round(w.coarse / count)}, exact ${Math.round(w.exact / count)}`);
  }
  const slowest = detectTimes.map((ms, index) => Math.max(ms, partialTimes[index]!))
    .map((ms, index) => ({ ms, seed: firstSeed + index })).sort((a, b) => b.ms - a.ms).slice(0, 5);
  console.log(`slowest: ${slowest.map(({ ms, seed }) => `seed ${seed} ${ms.toFixed(0)} ms`).join(", ")}`);
  console.log(`renderScene ms (cached sprites): median ${percentile(renderTimes, 0.5).toFixed(1)}  p90 ${percentile(renderTimes, 0.9).toFixed(1)}`);
  if (tally.failures.length > 0) console.log(`first failures:\n  ${tally.failures.filter((f) => !f.endsWith("disagrees")).slice(0, 40).join("\n  ")}`);
  if (partial.failures.length > 0) console.log(`first partial-vocabulary failures:\n  ${partial.failures.slice(0, 40).join("\n  ")}`);
}

void main();
