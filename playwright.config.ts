import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./e2e/chromium";

/**
 * E2E against the production build and a throwaway database. The config is evaluated again in
 * every worker process; the port and data folder are chosen once, in the runner, and reach the
 * workers through the environment they inherit.
 */
const freePort = () =>
  execFileSync(process.execPath, ["-e", "const s = require('node:net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"])
    .toString()
    .trim();
process.env.E2E_PORT ??= freePort();
process.env.E2E_A1111_PORT ??= freePort();
process.env.E2E_VLM_PORT ??= freePort();
// A second app server with access control on (RIG_AUTH_TOKEN), its own database, and small rate limits.
process.env.E2E_GUARDED_PORT ??= freePort();
process.env.E2E_AUTH_TOKEN ??= "e2e-access-token-0123456789abcdef";
// A third, for the secrets audit: access control, the back-end profiles, and its output in a file.
process.env.E2E_AUDIT_PORT ??= freePort();
// The "vlm" profile's key: set for the app server and the fake VLM, and looked for in what the browser gets.
process.env.E2E_VLM_KEY ??= "sk-e2e-sentinel-0123456789abcdef";
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), "rig-e2e-"));
process.env.E2E_GUARDED_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), "rig-e2e-guarded-"));
process.env.E2E_AUDIT_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), "rig-e2e-audit-"));

const port = Number(process.env.E2E_PORT);
const a1111 = `http://127.0.0.1:${process.env.E2E_A1111_PORT}`;
const vlm = `http://127.0.0.1:${process.env.E2E_VLM_PORT}`;
const dataDir = process.env.E2E_DATA_DIR;
const guardedDataDir = process.env.E2E_GUARDED_DATA_DIR;
const auditDataDir = process.env.E2E_AUDIT_DATA_DIR;
/** Where the audit server's stdout and stderr go; e2e/audit.spec.ts reads it. */
process.env.E2E_AUDIT_LOG ??= path.join(auditDataDir, "server.log");
/**
 * Back-end profiles of the e2e server: "sim" (built in, the default) and "remote", whose Checker is
 * a VLM server that does not exist, with a key variable nobody sets: the forms show its back ends
 * and capability caveats, and a run on it fails at once with the reason (no network is touched);
 * and "photo", the real-image path with no VLM: AUTOMATIC1111 images (e2e/servers/fake-a1111.ts,
 * answering with a photograph) checked and judged by the local COCO detector, with the sim Actor;
 * and "vlm", Checker and Judge on an OpenAI-compatible server (e2e/servers/fake-vlm.ts) with a key.
 */
const rigConfig = path.join(dataDir, "rig.config.json");
writeFileSync(
  rigConfig,
  JSON.stringify({
    profiles: {
      remote: {
        description: "e2e: a VLM Checker that is not there",
        roles: { checker: { backend: "openai-compatible", model: "e2e-vlm", baseURL: "http://127.0.0.1:9/v1", apiKeyEnv: "RIG_E2E_UNSET_KEY", maxRetries: 0 } },
      },
      photo: {
        description: "e2e: AUTOMATIC1111 images + local detector + sim Actor",
        roles: {
          diffuser: { backend: "a1111", model: "e2e-photo", baseURL: a1111, options: { progressIntervalMs: 100 } },
          editor: { backend: "a1111", model: "e2e-photo", baseURL: a1111, options: { progressIntervalMs: 100 } },
          checker: { backend: "local-detector" },
          judge: { backend: "local-detector" },
        },
      },
      paced: {
        // The embedded world at a model's pace, so the live-viewer test sees a run in flight.
        description: "e2e: the embedded world, each Checker call 400 ms",
        roles: { checker: { backend: "sim", options: { latencyMs: 400 } } },
      },
      vlm: {
        description: "e2e: a VLM Checker and Judge over chat completions",
        roles: {
          checker: { backend: "openai-compatible", model: "e2e-vlm", baseURL: `${vlm}/v1`, apiKeyEnv: "E2E_VLM_KEY" },
          judge: { backend: "openai-compatible", model: "e2e-vlm", baseURL: `${vlm}/v1`, apiKeyEnv: "E2E_VLM_KEY" },
        },
      },
    },
  }),
);
delete process.env.RIG_E2E_UNSET_KEY;
const baseURL = `http://127.0.0.1:${port}`;
// E2E_SKIP_BUILD=1 reuses the last `next build` (quicker local iterations).
const build = process.env.E2E_SKIP_BUILD === "1" ? "" : "npx next build && ";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  globalTeardown: "./e2e/global-teardown.ts",
  use: {
    baseURL,
    headless: true,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1400, height: 1000 },
        launchOptions: chromiumLaunchOptions,
      },
    },
  ],
  webServer: [
    {
      command: "npx tsx e2e/servers/fake-vlm.ts",
      url: `${vlm}/v1/models`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "npx tsx e2e/servers/fake-a1111.ts",
      url: `${a1111}/sdapi/v1/sd-models`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // The product's own server (bin/server.ts: security headers, access control, rate limits),
      // as `npm start` runs it. The suite is one client making hundreds of writes a minute.
      command: `npm run -s db:migrate && ${build}npx tsx bin/server.ts`,
      url: baseURL,
      timeout: 300_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        RIG_PORT: String(port),
        RIG_DATA_DIR: dataDir,
        DATABASE_URL: `file:${path.join(dataDir, "rig.db")}`,
        RIG_CONFIG: rigConfig,
        RIG_RATE_LIMIT_WRITES: "100000",
        NEXT_TELEMETRY_DISABLED: "1",
      },
    },
    {
      // Started after the first server's build (Playwright starts web servers in order).
      command: "npm run -s db:migrate && npx tsx bin/server.ts",
      url: `http://127.0.0.1:${process.env.E2E_GUARDED_PORT}/signin`,
      timeout: 300_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        RIG_PORT: process.env.E2E_GUARDED_PORT,
        RIG_AUTH_TOKEN: process.env.E2E_AUTH_TOKEN,
        RIG_DATA_DIR: guardedDataDir,
        DATABASE_URL: `file:${path.join(guardedDataDir, "rig.db")}`,
        RIG_RATE_LIMIT_WRITES: "30",
        RIG_RATE_LIMIT_SIGNIN: "20",
        NEXT_TELEMETRY_DISABLED: "1",
      },
    },
    {
      command: `npm run -s db:migrate && npx tsx bin/server.ts > ${JSON.stringify(process.env.E2E_AUDIT_LOG)} 2>&1`,
      url: `http://127.0.0.1:${process.env.E2E_AUDIT_PORT}/signin`,
      timeout: 300_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        RIG_PORT: process.env.E2E_AUDIT_PORT,
        RIG_AUTH_TOKEN: process.env.E2E_AUTH_TOKEN,
        RIG_DATA_DIR: auditDataDir,
        DATABASE_URL: `file:${path.join(auditDataDir, "rig.db")}`,
        RIG_CONFIG: rigConfig,
        RIG_RATE_LIMIT_WRITES: "100000",
        NEXT_TELEMETRY_DISABLED: "1",
      },
    },
  ],
});
