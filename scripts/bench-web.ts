/**
 * `npm run bench:web`: the web app's figures for issue 3's performance targets, printed (not
 * asserted), on the embedded sim world. It starts its own production server on a throwaway data
 * folder and measures:
 *
 *   1. submit -> viewer: in headless Chromium, type a prompt on the home page, click Run, and time
 *      (in the page's own clock) the viewer URL, the first iteration image, and the finished run
 *      with every iteration shown (thumbnails and selected image loaded);
 *   2. /runs/[id] of a 10-iteration run: sequential GETs of the page HTML and of /api/runs/[id],
 *      plus which images the page loads (lazy thumbnails vs full PNGs);
 *   3. 20 runs POSTed at once: how many complete, total time, error lines in the server's output.
 *
 *   npm run bench:web                          build, then measure
 *   npm run bench:web -- --skip-build          reuse the existing .next
 *   npm run bench:web -- --repeats 5 --requests 20 --concurrent 20
 *
 * Progress goes to stderr, figures to stdout.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "@playwright/test";
import { chromiumLaunchOptions } from "../e2e/chromium";
import { runStep, setServerLog, startServer, stopServer, type Server } from "./app-server";

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? Number(argv[index + 1]) : fallback;
};
const skipBuild = argv.includes("--skip-build");
const repeats = option("repeats", 10);
const requestCount = option("requests", 50);
const concurrentRuns = option("concurrent", 20);

const FINISHED = ["succeeded", "failed", "cancelled"];
/** Object pairs with sprites in the sim world (GenEval-style "a photo of a X right of a Y"). */
const PAIRS: [string, string][] = [
  ["cat", "dog"], ["cup", "laptop"], ["bird", "bench"], ["horse", "car"], ["teddy bear", "dog"], ["umbrella", "chair"],
  ["clock", "vase"], ["bicycle", "bus"], ["sheep", "cow"], ["banana", "apple"], ["book", "cup"], ["car", "truck"],
];
const pair = (index: number) => PAIRS[index % PAIRS.length]!;
const article = (noun: string) => (/^[aeiou]/.test(noun) ? "an" : "a");
/**
 * Relations the embedded world cannot satisfy (three things inside one cup): SG-IoU stays below 1,
 * so with patience >= budget the run uses every iteration. (The API refuses contradictions.)
 */
const unreachablePrompt = (index: number) => {
  const [a, b] = pair(index);
  return `a photo of ${article(a)} ${a} inside a cup; ${article(b)} ${b} inside the cup; a bird inside the cup`;
};
const genevalPrompt = (index: number) => {
  const [a, b] = pair(index);
  return `a photo of ${article(a)} ${a} right of ${article(b)} ${b}`;
};

interface RunSettings {
  seed: number;
  maxIterations: number;
  targetSgIoU: number;
  patience: number;
}
interface RunDetail {
  id: string;
  status: string;
  iterationCount: number;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
  stopReason: string | null;
  iterations: { index: number; imageId: string; createdAt: string }[];
}

const log = (message: string) => process.stderr.write(`[bench-web] ${message}\n`);
setServerLog(log);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  if (q === 0.5) {
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : "n/a");
const statsLine = (label: string, values: number[]) =>
  `  ${label.padEnd(44)} median ${ms(quantile(values, 0.5)).padStart(8)}   p90 ${ms(quantile(values, 0.9)).padStart(8)}   min ${ms(Math.min(...values)).padStart(8)}   max ${ms(Math.max(...values)).padStart(8)}   n=${values.length}`;

// ---------------------------------------------------------------------------------------------
// API helpers
// ---------------------------------------------------------------------------------------------

async function createRun(baseUrl: string, input: string, settings: Partial<RunSettings>): Promise<{ status: number; id?: string; body: string }> {
  const response = await fetch(`${baseUrl}/api/runs`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ input, settings }) });
  const body = await response.text();
  const id = response.status === 201 ? (JSON.parse(body) as { id: string }).id : undefined;
  return { status: response.status, id, body };
}

async function getRun(baseUrl: string, id: string): Promise<RunDetail> {
  const response = await fetch(`${baseUrl}/api/runs/${id}`);
  if (!response.ok) throw new Error(`GET /api/runs/${id}: ${response.status} ${await response.text()}`);
  return (await response.json()) as RunDetail;
}

async function waitForRun(baseUrl: string, id: string, timeoutMs = 180_000): Promise<RunDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(baseUrl, id);
    if (FINISHED.includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${run.status} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Submit -> viewer, in the browser
// ---------------------------------------------------------------------------------------------

/**
 * Installed in the home page before the click; the app navigates to the viewer client-side
 * (router.push), so this window, its clock and its marks survive. Checks every animation frame.
 * A string, not a function: tsx's helpers would not exist in the page.
 */
const MONITOR_SCRIPT = `(() => {
  const marks = {};
  window.__bench = marks;
  document.addEventListener("click", () => { if (marks.click === undefined) marks.click = performance.now(); }, { capture: true });
  const finished = ${JSON.stringify(FINISHED)};
  const loaded = (img) => img.complete && img.naturalWidth > 0;
  const check = () => {
    const now = performance.now();
    if (marks.click !== undefined) {
      if (marks.url === undefined && location.pathname.startsWith("/runs/")) marks.url = now;
      const viewer = document.querySelector('[data-testid="run-viewer"]');
      const image = document.querySelector('[data-testid="overlay-data"] img');
      if (marks.firstImage === undefined && image && loaded(image)) marks.firstImage = now;
      const status = viewer ? viewer.getAttribute("data-status") : null;
      if (marks.finished === undefined && status && finished.includes(status)) marks.finished = now;
      if (marks.finished !== undefined && image && loaded(image)) {
        const thumbs = [...document.querySelectorAll('[data-testid="timeline-item"] img')];
        if (thumbs.length > 0 && thumbs.every(loaded)) {
          marks.allShown = now;
          marks.timelineItems = thumbs.length;
          return;
        }
      }
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})()`;

interface SubmitMarks {
  click: number;
  url?: number;
  firstImage?: number;
  finished?: number;
  allShown?: number;
  timelineItems?: number;
}

interface SubmitSample {
  url: number;
  firstImage: number;
  allShown: number;
  iterations: number;
  timelineItems: number;
  /** Server-side: run created -> first iteration stored, and -> finished (the sim's own time). */
  serverFirst: number;
  serverFinished: number;
}

async function submitOnce(page: Page, baseUrl: string, input: string, settings: RunSettings): Promise<SubmitSample> {
  await page.goto(`${baseUrl}/`);
  await page.getByTestId("prompt-input").waitFor({ state: "visible" });
  await page.getByText("Settings", { exact: true }).click();
  const labels: [string, number][] = [["Seed", settings.seed], ["Max iterations", settings.maxIterations], ["Target SG-IoU", settings.targetSgIoU], ["Patience", settings.patience]];
  for (const [label, value] of labels) await page.getByLabel(label, { exact: true }).fill(String(value));
  await page.getByTestId("prompt-input").fill(input);
  await page.evaluate(MONITOR_SCRIPT);
  await page.getByTestId("submit-run").click();
  try {
    await page.waitForFunction("window.__bench === undefined || window.__bench.allShown !== undefined", undefined, { timeout: 60_000 });
  } catch (error) {
    const partial = await page.evaluate("window.__bench").catch(() => undefined);
    throw new Error(`the viewer did not show the finished run (marks ${JSON.stringify(partial)}): ${(error as Error).message}`);
  }
  const marks = (await page.evaluate("window.__bench")) as SubmitMarks | undefined;
  if (!marks) throw new Error("the page did a full navigation: the in-page clock was lost");
  const id = new URL(page.url()).pathname.split("/")[2]!;
  const run = await getRun(baseUrl, id);
  const created = Date.parse(run.createdAt);
  return {
    url: marks.url! - marks.click,
    firstImage: marks.firstImage! - marks.click,
    allShown: marks.allShown! - marks.click,
    iterations: run.iterationCount,
    timelineItems: marks.timelineItems ?? 0,
    serverFirst: run.iterations[0] ? Date.parse(run.iterations[0].createdAt) - created : Number.NaN,
    serverFinished: run.finishedAt ? Date.parse(run.finishedAt) - created : Number.NaN,
  };
}

async function submitSeries(browser: Browser, baseUrl: string, name: string, prompt: (index: number) => string, settings: Omit<RunSettings, "seed">): Promise<SubmitSample[]> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  const samples: SubmitSample[] = [];
  try {
    for (let index = 0; index < repeats; index++) {
      const sample = await submitOnce(page, baseUrl, prompt(index), { seed: index + 1, ...settings });
      samples.push(sample);
      log(`${name} ${index + 1}/${repeats}: "${prompt(index)}" url ${ms(sample.url)}, first image ${ms(sample.firstImage)}, all ${sample.iterations} shown ${ms(sample.allShown)}`);
    }
  } finally {
    await context.close();
  }
  if (pageErrors.length) log(`${name}: ${pageErrors.length} uncaught page error(s): ${pageErrors.slice(0, 3).join(" | ")}`);
  return samples;
}

function printSubmitSeries(title: string, samples: SubmitSample[]): void {
  const histogram = new Map<number, number>();
  for (const sample of samples) histogram.set(sample.iterations, (histogram.get(sample.iterations) ?? 0) + 1);
  const iterations = [...histogram].sort((a, b) => a[0] - b[0]).map(([count, runs]) => `${count} it. x${runs}`).join(", ");
  console.log(`\n${title}\n  iterations used: ${iterations}; timeline items shown = iterations in every run: ${samples.every((sample) => sample.timelineItems === sample.iterations)}`);
  console.log(statsLine("click -> viewer URL", samples.map((sample) => sample.url)));
  console.log(statsLine("click -> first iteration image visible", samples.map((sample) => sample.firstImage)));
  console.log(statsLine("click -> run finished, all iterations shown", samples.map((sample) => sample.allShown)));
  console.log(statsLine("(server) run created -> iteration 0 stored", samples.map((sample) => sample.serverFirst)));
  console.log(statsLine("(server) run created -> run finished", samples.map((sample) => sample.serverFinished)));
}

// ---------------------------------------------------------------------------------------------
// 2. /runs/[id] of a 10-iteration run
// ---------------------------------------------------------------------------------------------

async function timeGets(url: string, count: number): Promise<{ times: number[]; bytes: number; body: string }> {
  const times: number[] = [];
  let body = "";
  for (let index = 0; index < count + 3; index++) {
    const started = performance.now();
    const response = await fetch(url);
    body = await response.text();
    const elapsed = performance.now() - started;
    if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
    if (index >= 3) times.push(elapsed); // the first 3 warm up
  }
  return { times, bytes: Buffer.byteLength(body), body };
}

interface LazyReport {
  htmlImages: number;
  htmlLazy: number;
  htmlThumbs: number;
  htmlOriginals: number;
  loadedThumbs: number;
  loadedOriginals: number;
  loadedOriginalsAfterScroll: number;
}

async function lazyImages(browser: Browser, baseUrl: string, id: string, html: string): Promise<LazyReport> {
  const tags = html.match(/<img\b[^>]*>/g) ?? [];
  const srcOf = (tag: string) => /src="([^"]*)"/.exec(tag)?.[1]?.replaceAll("&amp;", "&") ?? "";
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const requested: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/images/")) requested.push(request.url());
  });
  const distinct = (urls: string[], thumb: boolean) => new Set(urls.filter((url) => url.includes("variant=thumb") === thumb)).size;
  try {
    await page.goto(`${baseUrl}/runs/${id}`, { waitUntil: "networkidle" });
    const beforeScroll = [...requested];
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)");
    await page.waitForLoadState("networkidle");
    await sleep(500);
    return {
      htmlImages: tags.length,
      htmlLazy: tags.filter((tag) => /loading="lazy"/.test(tag)).length,
      htmlThumbs: tags.filter((tag) => srcOf(tag).includes("variant=thumb")).length,
      htmlOriginals: tags.filter((tag) => srcOf(tag).includes("/api/images/") && !srcOf(tag).includes("variant=thumb")).length,
      loadedThumbs: distinct(beforeScroll, true),
      loadedOriginals: distinct(beforeScroll, false),
      loadedOriginalsAfterScroll: distinct(requested, false),
    };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Concurrent submissions
// ---------------------------------------------------------------------------------------------

const ERROR_LINE = /error|exception|SQLITE_|database is locked|busy|timed out|P\d{4}|unhandled|ECONN|EADDR/i;

async function concurrentSubmissions(server: Server): Promise<{ created: number; succeeded: number; otherStatuses: string[]; postErrors: string[]; totalMs: number; errorLines: string[] }> {
  const outputBefore = server.output.length;
  const started = performance.now();
  const posts = await Promise.all(
    Array.from({ length: concurrentRuns }, (_, index) => createRun(server.baseUrl, unreachablePrompt(index), { seed: 100 + index, maxIterations: 6, targetSgIoU: 1, patience: 6 })),
  );
  const postErrors = posts.filter((post) => post.status !== 201).map((post) => `${post.status} ${post.body.slice(0, 200)}`);
  log(`concurrent: ${posts.length - postErrors.length}/${posts.length} POSTs answered 201 in ${ms(performance.now() - started)}; waiting for the runs`);
  const runs = await Promise.all(posts.filter((post) => post.id).map((post) => waitForRun(server.baseUrl, post.id!)));
  const totalMs = performance.now() - started;
  await sleep(500); // let late log lines arrive
  const errorLines = server.output.slice(outputBefore).filter((entry) => ERROR_LINE.test(entry.line)).map((entry) => `${entry.stream}: ${entry.line}`);
  return {
    created: runs.length,
    succeeded: runs.filter((run) => run.status === "succeeded").length,
    otherStatuses: runs.filter((run) => run.status !== "succeeded").map((run) => `${run.id} ${run.status}: ${run.error ?? run.stopReason ?? ""}`),
    postErrors,
    totalMs,
    errorLines,
  };
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "rig-bench-web-"));
  const env: NodeJS.ProcessEnv = { ...process.env, RIG_DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(dataDir, "rig.db")}`, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" };
  let server: Server | undefined;
  let browser: Browser | undefined;
  const cleanUp = () => {
    if (server?.child.pid !== undefined && server.child.exitCode === null) {
      try {
        process.kill(-server.child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the server and removing ${dataDir}`);
    cleanUp();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    log(`data folder ${dataDir}; load average ${os.loadavg().map((value) => value.toFixed(2)).join(" ")} on ${os.cpus().length} cores`);
    runStep("migrate", "npx", ["prisma", "migrate", "deploy"], env);
    if (skipBuild) log("--skip-build: reusing .next");
    else runStep("build", "npx", ["next", "build"], env);
    server = await startServer(env);
    browser = await chromium.launch({ ...chromiumLaunchOptions, headless: true });

    // Warm-up: the first page loads and the first run (code paths, sprite caches, Chromium's cache).
    log("warm-up: one submission in the browser");
    {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      await submitOnce(await context.newPage(), server.baseUrl, unreachablePrompt(repeats), { seed: 999, maxIterations: 6, targetSgIoU: 1, patience: 6 });
      await context.close();
    }

    const loadBefore = os.loadavg()[0]!;
    const sixIterations = await submitSeries(browser, server.baseUrl, "unreachable", unreachablePrompt, { maxIterations: 6, targetSgIoU: 1, patience: 6 });
    const geneval = await submitSeries(browser, server.baseUrl, "geneval", genevalPrompt, { maxIterations: 6, targetSgIoU: 1, patience: 6 });

    log("10-iteration run for /runs/[id]");
    const long = await createRun(server.baseUrl, "a cat inside a cup; a dog inside the cup; a bird inside the cup", { seed: 1, maxIterations: 10, targetSgIoU: 1, patience: 10 });
    if (!long.id) throw new Error(`POST /api/runs: ${long.status} ${long.body}`);
    const longRun = await waitForRun(server.baseUrl, long.id);
    log(`timing ${requestCount} GETs of /runs/${long.id} and /api/runs/${long.id}`);
    const pageTimes = await timeGets(`${server.baseUrl}/runs/${long.id}`, requestCount);
    const apiTimes = await timeGets(`${server.baseUrl}/api/runs/${long.id}`, requestCount);
    const lazy = await lazyImages(browser, server.baseUrl, long.id, pageTimes.body);

    log(`submitting ${concurrentRuns} runs at once`);
    const concurrent = await concurrentSubmissions(server);
    const allErrorLines = server.output.filter((entry) => ERROR_LINE.test(entry.line));
    const loadAfter = os.loadavg()[0]!;

    // ------------------------------------------------------------------ report
    console.log(`\nrl-rig web benchmark (production build, embedded sim world, ${os.cpus().length} cores, 1-min load average ${loadBefore.toFixed(2)} before / ${loadAfter.toFixed(2)} after the browser runs)`);
    printSubmitSeries(`1a. Submit -> viewer, 6-iteration runs: "a photo of a X inside a cup; a Y inside the cup; a bird inside the cup" (unreachable), maxIterations 6, targetSgIoU 1, patience 6, seeds 1-${repeats}`, sixIterations);
    printSubmitSeries(`1b. Submit -> viewer, GenEval-style "a photo of a X right of a Y", maxIterations 6, targetSgIoU 1, patience 6, seeds 1-${repeats}`, geneval);

    console.log(`\n2. /runs/[id] of a ${longRun.iterationCount}-iteration run (${longRun.status}), ${requestCount} sequential GETs after 3 warm-up GETs`);
    console.log(statsLine(`GET /runs/<id> (HTML, ${(pageTimes.bytes / 1024).toFixed(0)} KiB)`, pageTimes.times));
    console.log(statsLine(`GET /api/runs/<id> (JSON, ${(apiTimes.bytes / 1024).toFixed(0)} KiB)`, apiTimes.times));
    console.log(`  HTML <img> tags: ${lazy.htmlImages}, with loading="lazy": ${lazy.htmlLazy}, thumbnails (?variant=thumb): ${lazy.htmlThumbs}, full PNGs: ${lazy.htmlOriginals}`);
    console.log(`  browser, first screen: ${lazy.loadedThumbs} distinct thumbnails and ${lazy.loadedOriginals} full PNG(s) requested; after scrolling to the bottom: ${lazy.loadedOriginalsAfterScroll} full PNG(s) (of ${longRun.iterationCount} iterations)`);

    console.log(`\n3. ${concurrentRuns} runs POSTed at once (unreachable prompts, 6 iterations each, patience 6; polled every 100 ms meanwhile)`);
    console.log(`  POST 201: ${concurrentRuns - concurrent.postErrors.length}/${concurrentRuns}; finished: ${concurrent.created}, succeeded: ${concurrent.succeeded}, other: ${concurrent.otherStatuses.length}; total time submit -> all finished: ${(concurrent.totalMs / 1000).toFixed(1)} s`);
    for (const line of [...concurrent.postErrors, ...concurrent.otherStatuses].slice(0, 5)) console.log(`    ${line}`);
    console.log(`  server error lines during the burst: ${concurrent.errorLines.length}; during the whole benchmark: ${allErrorLines.length} (of ${server.output.length} lines; pattern ${ERROR_LINE})`);
    for (const line of concurrent.errorLines.slice(0, 5)) console.log(`    ${line}`);

    const median = (values: number[]) => quantile(values, 0.5);
    const lazyOk = lazy.htmlThumbs > 0 && lazy.htmlThumbs <= lazy.htmlLazy && lazy.loadedOriginals <= 2;
    const concurrentOk = concurrent.postErrors.length === 0 && concurrent.succeeded === concurrentRuns && concurrent.errorLines.length === 0;
    const rows: [string, string, boolean][] = [
      ["6-iteration run: click -> first image <= 1 s", ms(median(sixIterations.map((sample) => sample.firstImage))), median(sixIterations.map((sample) => sample.firstImage)) <= 1000],
      ["6-iteration run: click -> all 6 shown <= 1 s", ms(median(sixIterations.map((sample) => sample.allShown))), median(sixIterations.map((sample) => sample.allShown)) <= 1000],
      ["/runs/[id], 10 iterations: HTML <= 100 ms", ms(median(pageTimes.times)), median(pageTimes.times) <= 100],
      ["/runs/[id]: images lazy (thumbs lazy, 1-2 PNGs)", `${lazy.htmlLazy}/${lazy.htmlImages} lazy, ${lazy.loadedOriginals} PNG`, lazyOk],
      [`${concurrentRuns} runs at once: all succeed, no DB errors`, `${concurrent.succeeded}/${concurrentRuns}, ${concurrent.errorLines.length} err lines`, concurrentOk],
    ];
    console.log("\nSummary (medians)");
    console.log(`  ${"target".padEnd(52)} ${"measured".padEnd(24)} result`);
    for (const [target, measured, met] of rows) console.log(`  ${target.padEnd(52)} ${measured.padEnd(24)} ${met ? "met" : "MISSED"}`);
  } finally {
    await browser?.close().catch(() => undefined);
    if (server) await stopServer(server.child);
    cleanUp();
    log("server stopped, data folder removed");
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
