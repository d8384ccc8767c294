import { readFileSync } from "node:fs";
import path from "node:path";
import { createFinishedRun, expect, test } from "./fixtures";

/**
 * The secrets audit, on the third e2e server (access control on, the e2e back-end profiles, its
 * output in a file): after runs on every kind of profile (embedded, a VLM with a key, a VLM that
 * is not there), a share and an evaluation with its exports, no secret, back-end URL or server
 * path appears in any page, API answer (body or header), browser console line, export, or in the
 * server's own output.
 */
const audited = `http://127.0.0.1:${process.env.E2E_AUDIT_PORT}`;
const token = process.env.E2E_AUTH_TOKEN!;
const dataDir = process.env.E2E_AUDIT_DATA_DIR!;

test.use({ baseURL: audited });

function forbiddenValues(): Record<string, string> {
  return {
    "the access token": token,
    "the VLM API key": process.env.E2E_VLM_KEY!,
    "the VLM server's address": `127.0.0.1:${process.env.E2E_VLM_PORT}`,
    "the AUTOMATIC1111 server's address": `127.0.0.1:${process.env.E2E_A1111_PORT}`,
    "the missing VLM's address": "127.0.0.1:9",
    "the key variable's name": "E2E_VLM_KEY",
    "the data folder": dataDir,
    "the data folder's name": path.basename(dataDir),
    "the config file": path.join(process.env.E2E_DATA_DIR!, "rig.config.json"),
    "the project folder": process.cwd(),
  };
}

function expectClean(where: string, text: string) {
  for (const [what, value] of Object.entries(forbiddenValues())) {
    expect(text.includes(value), `${what} appears in ${where}`).toBe(false);
  }
}

test("no secret, back-end URL or server path reaches a page, an API answer, an export or a log line", async ({ page, playwright }) => {
  test.setTimeout(120_000);
  const api = await playwright.request.newContext({ baseURL: audited, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  const seen: { where: string; text: string }[] = [];
  const record = async (where: string, response: { text(): Promise<string>; headers(): Record<string, string> }) => {
    seen.push({ where: `${where} (headers)`, text: JSON.stringify(response.headers()) });
    seen.push({ where, text: await response.text() });
  };
  try {
    const simRun = await createFinishedRun(api, "a cup left of a laptop", { seed: 1, maxIterations: 2, targetSgIoU: 1, patience: 2 });
    const vlmRun = await createFinishedRun(api, "a cup left of a laptop", { profile: "vlm", maxIterations: 2 });
    const failedRun = await createFinishedRun(api, "a cat left of a dog", { profile: "remote", maxIterations: 2 });
    const failed = (await (await api.get(`/api/runs/${failedRun}`)).json()) as { status: string; error: string };
    expect(failed.status, "the remote profile fails, with a reason").toBe("failed");
    expect(failed.error.length).toBeGreaterThan(0);
    const shareToken = ((await (await api.post(`/api/runs/${vlmRun}/share`)).json()) as { token: string }).token;

    const evaluation = await api.post("/api/evals", { data: { name: "audit", format: "text", text: "a cat left of a dog\na cup right of a laptop\n", settings: { maxIterations: 2 } } });
    expect(evaluation.status()).toBe(201);
    const evaluationId = ((await evaluation.json()) as { id: string }).id;
    await expect
      .poll(async () => ((await (await api.get(`/api/evals/${evaluationId}`)).json()) as { evaluation: { status: string } }).evaluation.status, { timeout: 60_000 })
      .toMatch(/^(succeeded|failed)$/);

    for (const url of [
      "/api/runs",
      `/api/runs/${simRun}`,
      `/api/runs/${vlmRun}`,
      `/api/runs/${failedRun}`,
      "/api/profiles",
      "/api/evals",
      `/api/evals/${evaluationId}`,
      `/api/evals/${evaluationId}/export?format=csv`,
      `/api/evals/${evaluationId}/export?format=json`,
      `/api/share/${shareToken}`,
      "/api/session",
      "/api/runs/not-a-run-id-at-all",
    ]) {
      await record(`GET ${url}`, await api.get(url));
    }
    await record("POST /api/runs (bad input)", await api.post("/api/runs", { data: { input: "", settings: { profile: "no-such-profile" } } }));

    // The pages, signed in through the sign-in page, with every response and console line kept.
    page.on("console", (message) => seen.push({ where: `console on ${page.url()}`, text: message.text() }));
    const pending: Promise<void>[] = [];
    page.on("response", (response) => {
      if (/^(text|application\/(json|javascript))/.test(response.headers()["content-type"] ?? "")) {
        pending.push(response.text().then((text) => void seen.push({ where: `page response ${response.url()}`, text }), () => undefined));
      }
    });
    await page.goto("/signin");
    await page.getByLabel("Access token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/$/);
    for (const url of ["/", `/runs/${simRun}`, `/runs/${vlmRun}`, `/runs/${failedRun}`, "/evals", `/evals/${evaluationId}`, `/s/${shareToken}`]) {
      await page.goto(url);
      await page.waitForLoadState("networkidle");
      seen.push({ where: `page ${url}`, text: await page.content() });
    }
    await Promise.all(pending);
    expect(seen.length).toBeGreaterThan(30);
    for (const { where, text } of seen) expectClean(where, text);

    const log = readFileSync(process.env.E2E_AUDIT_LOG!, "utf8");
    expect(log, "the server's log").toContain("rl-rig listening on");
    for (const [index, line] of log.split("\n").entries()) expectClean(`server log line ${index + 1}: ${line.slice(0, 120)}`, line);
  } finally {
    await api.dispose();
  }
});
