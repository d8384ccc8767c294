/**
 * `npm run bench:eval`: figures for the evaluation runner, printed (not asserted).
 *
 * 1. The 300 prompts of T2I-CompBench spatial_val on the embedded world with the default loop
 *    budget, on one worker thread per core: wall time (goal <= 60 s on the 2-core machine), CPU
 *    time of the whole process (all threads) as a share of wall x cores, each worker's busy time,
 *    and the evaluation summary.
 * 2. Scheduler throughput against a remote back end: a local HTTP server on 127.0.0.1 (on its own
 *    thread) that answers every call after L ms, called by a thin adapter for every role, evaluated with C items in
 *    flight. Each fake item makes 3 calls (generate, check - which reports a perfect match, so the
 *    loop stops at iteration 0 - and judge), one after another, so the ideal is C/L calls per second
 *    (C/(3L) items per second). Goal: >= 90 % of it.
 *
 *   npm run bench:eval                  both parts
 *   npm run bench:eval -- --limit 60    part 1 on the first 60 prompts only
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { summaryTable } from "../bin/commands/eval";
import { datasetPath } from "./datasets";
import { importDatasetFile, importDataset, type DatasetItem } from "../lib/pipeline/datasets";
import { evaluate, summariseEvaluation } from "../lib/pipeline/evaluation";
import { createRaster } from "../lib/pipeline/image/raster";
import type { Critique, Roles } from "../lib/pipeline/roles/types";

const limitIndex = process.argv.indexOf("--limit");
const limit = limitIndex >= 0 ? Number(process.argv[limitIndex + 1]) : undefined;

// --- 1. The embedded world on worker threads -----------------------------------------------------
const { items } = await importDatasetFile(datasetPath("t2i-compbench", "spatial_val.txt"), "t2i-compbench");
const selected = items.slice(0, limit);
const cores = availableParallelism();
console.log(`T2I-CompBench spatial_val: ${selected.length} prompts, profile sim, default budget, ${cores} worker threads (${cores} cores)`);
const cpuBefore = process.cpuUsage();
const run = await evaluate(selected, {
  profile: "sim",
  seed: 1,
  onProgress: (progress) => {
    if (process.stderr.isTTY) process.stderr.write(`\r${progress.done}/${progress.total} items  ${progress.itemsPerSecond.toFixed(1)} items/s  `);
  },
});
if (process.stderr.isTTY) process.stderr.write("\r" + " ".repeat(60) + "\r");
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const wallSeconds = run.wallMs / 1000;
console.log(`wall time ${wallSeconds.toFixed(1)} s (goal <= 60 s): ${run.slots.length > 0 ? (selected.length / wallSeconds).toFixed(2) : 0} items/s`);
console.log(`CPU time ${cpuSeconds.toFixed(1)} s over all threads = ${((cpuSeconds / (wallSeconds * cores)) * 100).toFixed(0)} % of ${cores} cores x wall`);
run.slots.forEach((slot, index) => {
  console.log(`  worker ${index + 1}: ${slot.items} items, busy ${(slot.busyMs / 1000).toFixed(1)} s (${((slot.busyMs / run.wallMs) * 100).toFixed(0)} % of wall)`);
});
console.log("");
console.log(summaryTable(summariseEvaluation(run.results, { seed: 1 })));

// --- 2. Throughput against a fake remote back end ------------------------------------------------
async function remoteThroughput(latencyMs: number, concurrency: number, count: number) {
  // The fake server runs on its own thread, as a remote server would, so that its work does not
  // compete with the scheduler's event loop.
  const server = new Worker(
    `const { createServer } = require("node:http");
     const { parentPort, workerData } = require("node:worker_threads");
     const server = createServer((request, response) => {
       request.resume();
       request.on("end", () => setTimeout(() => response.end('{"ok":true}'), workerData.latencyMs));
     });
     server.keepAliveTimeout = 60000;
     server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));`,
    { eval: true, workerData: { latencyMs } },
  );
  const port = await new Promise<number>((resolve) => server.once("message", resolve));
  const url = `http://127.0.0.1:${port}/`;
  let calls = 0;
  const remote = async (role: string, signal?: AbortSignal) => {
    calls += 1;
    const response = await fetch(url + role, { method: "POST", body: "{}", signal });
    await response.json();
  };
  const image = createRaster(1, 1);
  const roles: Roles = {
    diffuser: { name: "remote", generate: async (_prompt, options) => (await remote("diffuser", options.signal), { image, warnings: [] }) },
    checker: {
      name: "remote",
      check: async (_image, target, options) => {
        await remote("checker", options.signal);
        const critique: Critique = {
          triples: target.relations.map((relation) => ({ ...relation, status: "satisfied" as const })),
          missingObjects: [],
          extraObjects: [],
          attributeMismatches: [],
          matches: Object.fromEntries(target.objects.map((object) => [object.id, object.id])),
          locations: {},
          depths: {},
          summary: "all relations hold",
        };
        return { detected: target, critique, warnings: [] };
      },
    },
    actor: { name: "remote", act: async (_input, options) => (await remote("actor", options.signal), { instruction: "no-op", warnings: [] }) },
    editor: { name: "remote", edit: async (input, _instruction, options) => (await remote("editor", options.signal), { image: input, warnings: [] }) },
    judge: { name: "remote", judge: async (_image, _prompt, options) => (await remote("judge", options.signal), { score: 10, rationale: "", warnings: [] }) },
  };
  const fakeItems: DatasetItem[] = importDataset(Array.from({ length: count }, () => "a cup left of a plate").join("\n"), "text").items;
  const result = await evaluate(fakeItems, { createRoles: () => roles, concurrency });
  await server.terminate();
  const seconds = result.wallMs / 1000;
  const ideal = concurrency / (latencyMs / 1000);
  const achieved = calls / seconds;
  console.log(
    `L = ${latencyMs} ms, C = ${concurrency}, ${count} items, ${calls} calls in ${seconds.toFixed(2)} s: ` +
      `${achieved.toFixed(1)} calls/s vs C/L = ${ideal.toFixed(1)} (${((achieved / ideal) * 100).toFixed(1)} %, goal >= 90 %); ` +
      `${(result.results.length / seconds).toFixed(1)} items/s vs C/(3L) = ${(ideal / 3).toFixed(1)}`,
  );
}

console.log("\nScheduler throughput against a local fake remote server (every call answered after L ms):");
await remoteThroughput(50, 16, 400);
await remoteThroughput(100, 64, 640);
