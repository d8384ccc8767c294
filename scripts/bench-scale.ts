/**
 * npm run bench:scale [-- --runs 200 --workers 4]
 *
 * rl-rig past one machine, measured on this one: PostgreSQL, the pg-boss job queue and separate
 * `rig worker` processes (each its own Node process, as on separate hosts; the image store is a
 * shared folder here, an S3 bucket across hosts).
 *
 * 1. `--runs` runs of the embedded world queued at once, executed by `--workers` worker processes:
 *    every run must finish, with iterations 0..n-1 each stored once.
 * 2. The same again, with one worker killed by SIGKILL mid-way: its runs must be taken over (after
 *    the queue's heartbeat lapses) and resumed from their last stored iteration, nothing lost or doubled.
 * 3. Throughput with 1, 2 and 4 workers against a fixed-latency back end (the embedded world with
 *    every Checker call taking --latency-ms, default 1500, the way a remote model does): runs per minute, against the
 *    ideal of N x the single worker's rate, as a table and a bar chart.
 *
 * PostgreSQL: RIG_BENCH_POSTGRES_URL (a server URL whose user may create databases), else the
 * local cluster prepared as scripts/test-postgres.sh does. Prints figures; asserts nothing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const RUNS = flag("runs", 200);
const WORKERS = flag("workers", 4);
const THROUGHPUT_RUNS = flag("throughput-runs", 12);
const LATENCY_MS = flag("latency-ms", 1500);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
const server = process.env.RIG_BENCH_POSTGRES_URL ?? "postgres://rig_test:rig_test@127.0.0.1:5432/postgres";
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const dataDir = mkdtempSync(path.join(os.tmpdir(), "rig-bench-scale-"));
const config = path.join(dataDir, "rig.config.json");
writeFileSync(config, JSON.stringify({ profiles: { paced: { description: `bench: each Checker call ${LATENCY_MS} ms`, roles: { checker: { backend: "sim", options: { latencyMs: LATENCY_MS } } } } } }));

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function freshDatabase(name: string): Promise<string> {
  await sql(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await sql(server, `CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

function env(url: string, concurrency: number): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: url, RIG_DATA_DIR: dataDir, RIG_CONFIG: config, RIG_WORKER_CONCURRENCY: String(concurrency) };
}

function startWorker(url: string, label: string, concurrency = 4): ChildProcess {
  // One Node process per worker (tsx as a loader, not its CLI, which would fork a child): SIGKILL kills the worker itself.
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "bin/rig.ts", "worker", "--heartbeat", "10"], { cwd: root, env: env(url, concurrency), stdio: ["ignore", "pipe", "pipe"] });
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString().trim();
    if (text && !/ExperimentalWarning/.test(text)) console.error(`  [${label}] ${text.split("\n")[0]}`);
  });
  return child;
}

async function waitForWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((child) => new Promise<void>((resolve) => child.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes("taking runs") && resolve()))));
}

async function queueRuns(url: string, count: number, profile: string): Promise<void> {
  // As POST /api/runs stores them: queued rows the workers' sweep enqueues.
  const prompts = ["a cat left of a dog", "a red cup left of a laptop; laptop on a desk", "a bird above a bench", "a cup left of a laptop; a cat under the table"];
  const values: string[] = [];
  const params: unknown[] = [];
  for (let index = 0; index < count; index++) {
    const prompt = prompts[index % prompts.length]!;
    const base = params.length;
    params.push(`bench${String(index).padStart(6, "0")}${randomBytes(10).toString("hex")}`, prompt, prompt, prompt.toLowerCase(), JSON.stringify(targetOf(prompt)), JSON.stringify({ seed: index + 1, maxIterations: 6, targetSgIoU: 1, patience: 6, profile }));
    values.push(`($${base + 1}, now(), now(), $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}::jsonb, $${base + 6}::jsonb, 'queued')`);
  }
  await sql(url, `INSERT INTO "Run" ("id", "createdAt", "updatedAt", "input", "prompt", "promptSearch", "target", "settings", "status") VALUES ${values.join(", ")}`, params);
}

/** The target the web app stores for a prompt, written out here to keep the script framework-free. */
function targetOf(prompt: string) {
  const objects: Array<{ id: string; label: string; attributes: string[] }> = [];
  const relations: Array<{ subject: string; predicate: string; object: string }> = [];
  const idOf = (phrase: string) => {
    const words = phrase.replace(/^(a|an|the)\s+/, "").split(" ");
    const label = words.at(-1)!;
    const attributes = words.slice(0, -1);
    let object = objects.find((candidate) => candidate.label === label);
    if (!object) objects.push((object = { id: `${label}-1`, label, attributes }));
    return object.id;
  };
  for (const clause of prompt.split(";").map((part) => part.trim())) {
    const match = /^(.+?) (left of|right of|above|below|on|under) (.+)$/.exec(clause);
    if (match) relations.push({ subject: idOf(match[1]!), predicate: match[2]!, object: idOf(match[3]!) });
  }
  return { objects, relations };
}

interface Outcome {
  seconds: number;
  finished: number;
  succeeded: number;
  iterations: number;
  /** Runs whose stored iteration indices are not exactly 0..iterationCount-1. */
  gaps: number;
  resumed: number;
}

async function waitForAll(url: string, count: number, started: number, timeoutMs: number, onProgress?: (finished: number) => void): Promise<Outcome> {
  for (;;) {
    const [row] = await sql<{ finished: string }>(url, `SELECT count(*) AS finished FROM "Run" WHERE status IN ('succeeded', 'failed', 'cancelled')`);
    const finished = Number(row!.finished);
    onProgress?.(finished);
    if (finished >= count || Date.now() - started > timeoutMs) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const [summary] = await sql<{ finished: string; succeeded: string; iterations: string; resumed: string }>(
    url,
    `SELECT count(*) FILTER (WHERE status IN ('succeeded', 'failed', 'cancelled')) AS finished, count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
            (SELECT count(*) FROM "Iteration") AS iterations, count(*) FILTER (WHERE attempts > 1) AS resumed FROM "Run"`,
  );
  const [gaps] = await sql<{ gaps: string }>(
    url,
    `SELECT count(*) AS gaps FROM "Run" r WHERE r."iterationCount" <> (SELECT count(*) FROM "Iteration" i WHERE i."runId" = r.id)
        OR r."iterationCount" - 1 <> COALESCE((SELECT max(index) FROM "Iteration" i WHERE i."runId" = r.id), -1)`,
  );
  return { seconds: (Date.now() - started) / 1000, finished: Number(summary!.finished), succeeded: Number(summary!.succeeded), iterations: Number(summary!.iterations), gaps: Number(gaps!.gaps), resumed: Number(summary!.resumed) };
}

function stop(children: ChildProcess[]): Promise<void> {
  return Promise.all(children.map((child) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : (child.once("exit", () => resolve()), child.kill("SIGTERM")))))).then(() => {});
}

async function migrate(url: string): Promise<void> {
  const { applyPostgresMigrations } = await import("../lib/db/postgres-migrations");
  await applyPostgresMigrations(url);
}

function progress(label: string, total: number) {
  let last = -1;
  let lastQuarter = 0;
  return (finished: number) => {
    if (finished === last) return;
    last = finished;
    if (!process.stdout.isTTY) {
      // Not a terminal (a log file): a line at each quarter.
      const quarter = Math.floor((finished / total) * 4);
      if (quarter > lastQuarter) console.log(`  ${label}: ${finished}/${total} runs finished`);
      lastQuarter = Math.max(lastQuarter, quarter);
      return;
    }
    const width = 30;
    const filled = Math.round((finished / total) * width);
    process.stdout.write(`\r  ${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${finished}/${total}`);
    if (finished >= total) process.stdout.write("\n");
  };
}

async function scenario(label: string, kill: boolean): Promise<Outcome & { killedAt?: number }> {
  const url = await freshDatabase(`rig_bench_${label}`);
  await migrate(url);
  const workers = Array.from({ length: WORKERS }, (_, index) => startWorker(url, `worker ${index + 1}`));
  await waitForWorkers(workers);
  await queueRuns(url, RUNS, "sim");
  const started = Date.now();
  let killedAt: number | undefined;
  const outcome = await waitForAll(url, RUNS, started, 20 * 60_000, (finished) => {
    progress(label, RUNS)(finished);
    if (kill && killedAt === undefined && finished >= RUNS / 3) {
      killedAt = finished;
      workers[0]!.kill("SIGKILL");
      console.log(`\n  SIGKILL worker 1 (pid ${workers[0]!.pid}) with ${finished}/${RUNS} runs finished`);
    }
  });
  await stop(workers);
  return { ...outcome, ...(killedAt === undefined ? {} : { killedAt }) };
}

async function throughput(workerCount: number): Promise<number> {
  const url = await freshDatabase(`rig_bench_throughput_${workerCount}`);
  await migrate(url);
  // Two runs at a time per worker: the back end's latency, not this machine's two cores, sets the pace.
  const workers = Array.from({ length: workerCount }, (_, index) => startWorker(url, `t${workerCount}.${index + 1}`, 2));
  await waitForWorkers(workers);
  await queueRuns(url, THROUGHPUT_RUNS * workerCount, "paced");
  const started = Date.now();
  const outcome = await waitForAll(url, THROUGHPUT_RUNS * workerCount, started, 20 * 60_000, progress(`${workerCount} worker(s)`, THROUGHPUT_RUNS * workerCount));
  await stop(workers);
  return (outcome.finished / outcome.seconds) * 60;
}

console.log(`bench:scale on ${os.cpus().length} cores, Node ${process.version}, PostgreSQL at ${new URL(server).host}; data in ${dataDir}`);
if (only !== "throughput") {
  const plain = await scenario("plain", false);
  const killed = await scenario("sigkill", true);
  console.log(`\n| scenario | runs | finished | succeeded | iterations stored | runs with a lost or doubled iteration | runs resumed | seconds |`);
  console.log(`|---|---|---|---|---|---|---|---|`);
  for (const [name, outcome] of [[`${WORKERS} workers`, plain], [`${WORKERS} workers, one SIGKILLed at ${killed.killedAt}/${RUNS}`, killed]] as const) {
    console.log(`| ${name} | ${RUNS} | ${outcome.finished} | ${outcome.succeeded} | ${outcome.iterations} | ${outcome.gaps} | ${outcome.resumed} | ${outcome.seconds.toFixed(1)} |`);
  }
}

console.log(`\nThroughput against a fixed-latency back end (Checker ${LATENCY_MS} ms per call; ${THROUGHPUT_RUNS} runs per worker, 2 runs at a time per worker):`);
const rates: Array<[number, number]> = [];
for (const count of [1, 2, 4]) rates.push([count, await throughput(count)]);
const single = rates[0]![1];
console.log(`\n| workers | runs / minute | ideal (N x 1 worker) | share of ideal |`);
console.log(`|---|---|---|---|`);
for (const [count, rate] of rates) console.log(`| ${count} | ${rate.toFixed(1)} | ${(single * count).toFixed(1)} | ${((rate / (single * count)) * 100).toFixed(0)} % |`);
const top = Math.max(...rates.map(([count]) => single * count));
console.log("");
for (const [count, rate] of rates) console.log(`${String(count).padStart(2)} worker${count === 1 ? " " : "s"} ${"█".repeat(Math.round((rate / top) * 50)).padEnd(50)} ${rate.toFixed(1)} / min (ideal ${(single * count).toFixed(1)})`);
