import { createFinishedRun, expect, test } from "./fixtures";
import { RunViewerPage } from "./pages/run-viewer-page";

/**
 * The second e2e server (playwright.config.ts) runs with RIG_AUTH_TOKEN and small rate limits.
 * Serial: the rate-limit test spends the write budget the others need.
 */
const guarded = `http://127.0.0.1:${process.env.E2E_GUARDED_PORT}`;
const token = process.env.E2E_AUTH_TOKEN!;
const bearer = { Authorization: `Bearer ${token}` };

test.use({ baseURL: guarded });
test.describe.configure({ mode: "serial" });

test("a protected server sends the browser to sign in and back; the signed-in page can write", async ({ page, context, home }) => {
  await page.goto("/evals");
  await expect(page).toHaveURL(/\/signin\?next=%2Fevals$/);
  const tokenField = page.getByLabel("Access token");

  await tokenField.fill("not-the-token-at-all");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("sign-in-error")).toContainText("not this server's access token");
  await expect(page).toHaveURL(/\/signin/);

  await tokenField.fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/evals$/);
  const session = (await context.cookies()).find((cookie) => cookie.name === "rig_session");
  expect(session, "the session cookie").toBeDefined();
  expect(session!.httpOnly).toBe(true);
  expect(session!.sameSite).toBe("Strict");
  expect(session!.value).not.toContain(token);

  // A write from the page (a server action on the session cookie) starts a run.
  await home.goto();
  await home.setSettings({ "Max iterations": 2 });
  await home.submitPrompt("a cat left of a dog");
  const viewer = new RunViewerPage(page);
  await expect(viewer.status).toHaveText(/succeeded|failed/, { timeout: 30_000 });

  // A server action (the fork form) works on the session: Next.js sends this host as the Origin.
  await page.getByTestId("fork-button").click();
  await page.getByTestId("fork-instruction").fill("make the cat white");
  await page.getByTestId("fork-budget").fill("1");
  await page.getByTestId("fork-submit").click();
  await expect(page.getByTestId("lineage-instruction")).toHaveText("make the cat white");
  await expect(viewer.status).toHaveText(/succeeded|failed/, { timeout: 30_000 });
  // A post that names an action but no Origin (not a page of this site) is refused before any action runs.
  const noOrigin = await page.request.post(new URL(page.url()).pathname, { headers: { "next-action": "0".repeat(42) }, data: "[]" });
  expect(noOrigin.status()).toBe(403);
  expect((await noOrigin.json()).error.code).toBe("forbidden:origin");

  // The same cookie without the CSRF header cannot write: another site's form could send it.
  const forged = await page.request.post("/api/runs", { data: { input: "a cat left of a dog" } });
  expect(forged.status()).toBe(403);
  expect((await forged.json()).error.code).toBe("forbidden:csrf");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  expect((await page.request.get("/api/runs")).status()).toBe(401);
});

test("API: reads and writes need the token; a share link stays readable without it and writes nothing", async ({ playwright }) => {
  const anonymous = await playwright.request.newContext({ baseURL: guarded });
  const owner = await playwright.request.newContext({ baseURL: guarded, extraHTTPHeaders: bearer });
  try {
    for (const [method, path] of [
      ["GET", "/api/runs"],
      ["GET", "/api/evals"],
      ["GET", "/api/profiles"],
      ["POST", "/api/runs"],
      ["POST", "/api/evals"],
    ] as const) {
      const response = await anonymous.fetch(path, { method, data: method === "POST" ? { input: "a cat left of a dog" } : undefined });
      expect(response.status(), `${method} ${path}`).toBe(401);
      expect(response.headers()["www-authenticate"]).toContain("Bearer");
      expect((await response.json()).error.code).toBe("unauthorized");
    }
    const wrong = await anonymous.get("/api/runs", { headers: { Authorization: "Bearer wrong-token-0123456789" } });
    expect(wrong.status()).toBe(401);

    const runId = await createFinishedRun(owner, "a cup left of a laptop", { seed: 1, maxIterations: 2, targetSgIoU: 1, patience: 2 });
    const shared = await owner.post(`/api/runs/${runId}/share`);
    expect(shared.status()).toBe(200);
    const { token: shareToken } = (await shared.json()) as { token: string };

    const publicRun = await anonymous.get(`/api/share/${shareToken}`);
    expect(publicRun.status()).toBe(200);
    const { iterations } = (await publicRun.json()) as { iterations: Array<{ imageId: string }> };
    expect((await anonymous.get(`/api/images/${iterations[0]!.imageId}`)).status()).toBe(200);
    expect((await anonymous.get(`/s/${shareToken}`)).status()).toBe(200);

    // A share token is not an access token: it opens nothing else and changes nothing.
    const asShare = { Authorization: `Bearer ${shareToken}` };
    expect((await anonymous.get(`/api/runs/${runId}`, { headers: asShare })).status()).toBe(401);
    expect((await anonymous.delete(`/api/runs/${runId}/share`, { headers: asShare })).status()).toBe(401);
    expect((await anonymous.delete(`/api/runs/${runId}/share`)).status()).toBe(401);
    expect((await anonymous.get(`/api/share/${shareToken}`)).status(), "the link still works").toBe(200);
  } finally {
    await anonymous.dispose();
    await owner.dispose();
  }
});

test("writes beyond the per-client budget get 429 with Retry-After", async ({ playwright }) => {
  const client = await playwright.request.newContext({ baseURL: guarded });
  try {
    const statuses: number[] = [];
    let limited: { retryAfter: string | undefined; code: string } | null = null;
    // The server allows 30 writes a minute per client (RIG_RATE_LIMIT_WRITES); earlier tests spent some.
    for (let attempt = 0; attempt < 40 && !limited; attempt++) {
      const response = await client.post("/api/runs", { data: { input: "a cat left of a dog" } });
      statuses.push(response.status());
      if (response.status() === 429) limited = { retryAfter: response.headers()["retry-after"], code: (await response.json()).error.code };
    }
    expect(limited, `statuses: ${statuses.join(",")}`).not.toBeNull();
    expect(Number(limited!.retryAfter)).toBeGreaterThan(0);
    expect(limited!.code).toBe("too_many_requests");
    expect(statuses.filter((status) => status === 429)).toHaveLength(1);
    expect(new Set(statuses.slice(0, -1)), "refused for lack of a token until then").toEqual(new Set([401]));
  } finally {
    await client.dispose();
  }
});
