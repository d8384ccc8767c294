/**
 * `npm run bench:faults`: runs through back ends that misbehave, printed (not asserted).
 *
 * A production server (bin/server.ts) on a throwaway database runs N runs on a profile whose
 * Diffuser and Editor are an AUTOMATIC1111 stand-in and whose Checker is an OpenAI-compatible VLM
 * stand-in, each behind a fault proxy (scripts/fault-proxy.ts) that fails a share of model calls
 * (default 30 %) with timeouts, stalled bodies, 5xx, malformed JSON and truncated images. The
 * Checker stand-in accepts an image as matching the prompt with probability 1/2 (a hash of the
 * image), so runs take several iterations. Then, from the JSON API:
 *
 *   - every run ended (succeeded, or failed with its reason) before the deadline: none hung;
 *   - each run's iterations are 0..n-1, each stored once, and the count matches the list;
 *   - failure reasons, grouped, and the faults each proxy injected.
 *
 *   npm run bench:faults                                   30 % faults, 40 runs
 *   npm run bench:faults -- --rate 0.5 --runs 20 --skip-build
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { answer, checkerAnswerFor, requestedAnswer, startFakeOpenAi, type Reply } from "../lib/pipeline/backends/openai-compatible/__fixtures__/fake-openai-server";
import { runStep, setServerLog, startServer, stopServer, type Server } from "./app-server";
import { faultKinds, startFaultProxy, type FaultProxy } from "./fault-proxy";

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? Number(argv[index + 1]) : fallback;
};
const rate = option("rate", 0.3);
const runCount = option("runs", 40);
const deadlineMs = option("deadline-s", 900) * 1000;
const skipBuild = argv.includes("--skip-build");
const KEY = "bench-faults-key-0123456789";
const FINISHED = new Set(["succeeded", "failed", "cancelled"]);
const PAIRS: [string, string][] = [
  ["cat", "dog"], ["cup", "laptop"], ["bird", "bench"], ["horse", "car"], ["clock", "vase"], ["sheep", "cow"], ["book", "cup"], ["bicycle", "bus"],
];

const log = (message: string) => process.stderr.write(`[bench-faults] ${message}\n`);
setServerLog(log);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const digest = (text: string) => createHash("sha256").update(text).digest();

/** txt2img / img2img answer a small PNG whose colour comes from the request (so every edit changes the image). */
async function startFakeA1111(): Promise<{ url: string; server: HttpServer }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const route = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (route === "/sdapi/v1/progress") return send(200, { progress: 0, eta_relative: 0, state: { job_count: 0, sampling_step: 0, sampling_steps: 0 } });
      if (route === "/sdapi/v1/txt2img" || route === "/sdapi/v1/img2img") {
        // Noise seeded by the request: an image that changes with every edit and does not compress away.
        const seed = digest(Buffer.concat(chunks).toString("utf8"));
        const pixels = Buffer.alloc(128 * 128 * 3, 0).map((_value, index) => seed[index % seed.length]! ^ (index * 31) % 251);
        void sharp(pixels, { raw: { width: 128, height: 128, channels: 3 } })
          .png()
          .toBuffer()
          .then((png) => send(200, { images: [png.toString("base64")], parameters: {}, info: "{}" }));
        return;
      }
      send(404, { detail: "Not Found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** As Checker: the offered objects, and the asked relation with probability 1/2 (a hash of the request, so of the image). */
const coinFlipChecker: Reply = (request, response) => {
  const { labels, predicates } = requestedAnswer(request.body);
  const related = digest(JSON.stringify(request.body))[0]! % 2 === 0;
  return answer(checkerAnswerFor(labels, predicates, related))(request, response);
};

interface RunDetail {
  id: string;
  status: string;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  iterations: { index: number; createdAt: string; durationsMs?: Record<string, number> }[];
}

/** Failure reasons with numbers, URLs and quoted values removed, so alike failures group. */
function reasonGroup(error: string | null): string {
  return (error ?? "(no reason given)")
    .replace(/https?:\/\/\S+/g, "<url>")
    .replace(/\b\d+\b/g, "N")
    .replace(/"[^"]*"/g, '"…"')
    .slice(0, 110);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "rig-bench-faults-"));
  const a1111 = await startFakeA1111();
  const vlm = await startFakeOpenAi({ apiKey: KEY, models: ["fake-vlm"] });
  vlm.queue(coinFlipChecker);
  const proxies: Record<string, FaultProxy> = {
    "A1111 (Diffuser, Editor)": await startFaultProxy({ target: a1111.url, rate, seed: 11 }),
    // The VLM answers with text, so truncated images are the image servers' fault only.
    "VLM (Checker)": await startFaultProxy({ target: vlm.baseURL.replace(/\/v1$/, ""), rate, seed: 12, kinds: faultKinds.filter((kind) => kind !== "truncated-image") }),
  };
  const [imageProxy, vlmProxy] = Object.values(proxies);
  const config = path.join(dataDir, "rig.config.json");
  const roleLimits = { timeoutMs: 1500, maxRetries: 2 };
  writeFileSync(
    config,
    JSON.stringify({
      profiles: {
        faulty: {
          description: "bench:faults: remote roles behind a fault proxy",
          roles: {
            diffuser: { backend: "a1111", model: "fake", baseURL: imageProxy!.url, ...roleLimits, options: { progressIntervalMs: 0 } },
            editor: { backend: "a1111", model: "fake", baseURL: imageProxy!.url, ...roleLimits, options: { progressIntervalMs: 0 } },
            checker: { backend: "openai-compatible", model: "fake-vlm", baseURL: `${vlmProxy!.url}/v1`, apiKeyEnv: "BENCH_FAULT_KEY", ...roleLimits, maxValidationAttempts: 2 },
          },
        },
      },
    }),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RIG_DATA_DIR: dataDir,
    DATABASE_URL: `file:${path.join(dataDir, "rig.db")}`,
    RIG_CONFIG: config,
    RIG_WORKER_CONCURRENCY: "4",
    BENCH_FAULT_KEY: KEY,
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production",
  };
  let server: Server | undefined;
  try {
    log(`fault rate ${rate}, ${runCount} runs, data folder ${dataDir}, load average ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores`);
    runStep("migrate", "npx", ["prisma", "migrate", "deploy"], env);
    if (!skipBuild) runStep("build", "npx", ["next", "build"], env);
    server = await startServer(env);
    const base = server.baseUrl;

    const started = Date.now();
    const ids: string[] = [];
    for (let index = 0; index < runCount; index++) {
      const [a, b] = PAIRS[index % PAIRS.length]!;
      const response = await fetch(`${base}/api/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input: `a photo of a ${a} left of a ${b}`, settings: { profile: "faulty", seed: index + 1, maxIterations: 6, patience: 6, targetSgIoU: 1 } }),
      });
      if (response.status !== 201) throw new Error(`POST /api/runs answered ${response.status}: ${await response.text()}`);
      ids.push(((await response.json()) as { id: string }).id);
    }

    const finals = new Map<string, RunDetail>();
    while (finals.size < ids.length && Date.now() - started < deadlineMs) {
      for (const id of ids.filter((candidate) => !finals.has(candidate))) {
        const run = (await (await fetch(`${base}/api/runs/${id}`)).json()) as RunDetail;
        if (FINISHED.has(run.status)) finals.set(id, run);
      }
      process.stderr.write(`\r[bench-faults] ${finals.size}/${ids.length} runs ended, ${((Date.now() - started) / 1000).toFixed(0)} s   `);
      if (finals.size < ids.length) await sleep(1000);
    }
    process.stderr.write("\n");
    const wallSeconds = (Date.now() - started) / 1000;

    const listed = new Map(((await (await fetch(`${base}/api/runs?pageSize=100`)).json()) as { runs: { id: string; iterationCount: number }[] }).runs.map((run) => [run.id, run.iterationCount]));
    const hung = ids.filter((id) => !finals.has(id));
    let gaps = 0;
    let duplicates = 0;
    let countMismatches = 0;
    let iterations = 0;
    const byStatus = new Map<string, number>();
    const reasons = new Map<string, number>();
    for (const run of finals.values()) {
      byStatus.set(run.status, (byStatus.get(run.status) ?? 0) + 1);
      if (run.status === "failed") reasons.set(reasonGroup(run.error), (reasons.get(reasonGroup(run.error)) ?? 0) + 1);
      const indices = run.iterations.map((iteration) => iteration.index);
      iterations += indices.length;
      duplicates += indices.length - new Set(indices).size;
      gaps += indices.some((value, position) => value !== position) ? 1 : 0;
      if (listed.get(run.id) !== indices.length) countMismatches += 1;
    }
    const serverErrors = server.output.filter((entry) => /\[api\]|\[rig server\]|unhandled|uncaught/i.test(entry.line));

    console.log(`\nbench:faults - ${runCount} runs, ${(rate * 100).toFixed(0)} % of model calls faulted, worker concurrency 4, roles: timeout ${roleLimits.timeoutMs} ms, ${roleLimits.maxRetries} retries`);
    console.log(`wall time ${wallSeconds.toFixed(1)} s\n`);
    console.log("| outcome | runs |\n|---|---|");
    for (const status of ["succeeded", "failed", "cancelled"]) console.log(`| ${status} | ${byStatus.get(status) ?? 0} |`);
    console.log(`| still running at the deadline (hung) | ${hung.length} |`);
    console.log(`\niterations stored ${iterations}; runs with a gap in their indices ${gaps}; iterations stored twice ${duplicates}; list/detail count mismatches ${countMismatches}`);
    console.log(`failed runs without a reason ${[...finals.values()].filter((run) => run.status === "failed" && !run.error).length}; server error lines ${serverErrors.length}`);
    if (reasons.size > 0) {
      console.log("\n| failure reason (grouped) | runs |\n|---|---|");
      for (const [reason, count] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`| ${reason.replace(/\|/g, "\\|")} | ${count} |`);
    }
    console.log("\n| proxy | passed | timeout | stall | 5xx | malformed | truncated-image |\n|---|---|---|---|---|---|---|");
    for (const [name, proxy] of Object.entries(proxies)) {
      const c = proxy.counts;
      console.log(`| ${name} | ${c.passed} | ${c.timeout} | ${c.stall} | ${c["5xx"]} | ${c.malformed} | ${c["truncated-image"]} |`);
    }
    for (const entry of serverErrors.slice(0, 5)) console.log(`server: ${entry.line}`);
    const seconds = (run: RunDetail) => (Date.parse(run.finishedAt ?? new Date().toISOString()) - Date.parse(run.createdAt)) / 1000;
    const durations = [...finals.values()].map(seconds).sort((a, b) => a - b);
    if (durations.length > 0) console.log(`\nrun time (queued to ended): median ${durations[Math.floor(durations.length / 2)]!.toFixed(1)} s, max ${durations.at(-1)!.toFixed(1)} s`);
    for (const run of [...finals.values()].filter((candidate) => seconds(candidate) > 60)) {
      console.log(`slow run ${run.id}: ${seconds(run).toFixed(0)} s, ${run.status}, ${run.iterations.length} iterations, error ${run.error ?? "none"}`);
      for (const iteration of run.iterations) console.log(`  iteration ${iteration.index} at ${iteration.createdAt} ${JSON.stringify(iteration.durationsMs ?? {})}`);
    }
  } finally {
    if (server) await stopServer(server.child);
    for (const proxy of Object.values(proxies)) await proxy.close();
    await vlm.close();
    a1111.server.closeAllConnections();
    a1111.server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
