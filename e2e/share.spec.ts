import { createFinishedRun, expect, test } from "./fixtures";
import { RunViewerPage } from "./pages/run-viewer-page";

test("a share link opens a read-only viewer in a fresh context, with a link preview; revoking it closes it", async ({ browser, request, viewer }, testInfo) => {
  const runId = await createFinishedRun(request);
  await viewer.goto(`/runs/${runId}`);
  // The owner can download the run as Actor training data.
  const parquetLink = await viewer.page.getByTestId("export-verl").getAttribute("href");
  const parquet = await request.get(parquetLink!);
  expect(parquet.status()).toBe(200);
  expect(parquet.headers()["content-type"]).toBe("application/vnd.apache.parquet");
  expect(Number(parquet.headers()["x-rig-rows"])).toBeGreaterThan(0);
  await viewer.page.getByTestId("share-expiry").selectOption({ label: "in 7 days" });
  await viewer.shareButton.click();
  await expect(viewer.shareUrl).toHaveValue(/\/s\/[A-Za-z0-9_-]{43}$/);
  await expect(viewer.page.getByTestId("share-expires")).toHaveText(/^expires \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
  const shareUrl = await viewer.shareUrl.inputValue();
  await expect(viewer.revokeButton).toBeVisible();

  const context = await browser.newContext();
  try {
    const guest = await context.newPage();
    const shared = new RunViewerPage(guest);
    await shared.goto(shareUrl);
    await expect(shared.viewer).toHaveAttribute("data-readonly", "true");
    await expect(shared.timelineItems.first()).toBeVisible();
    await expect(shared.overlayCanvas).toBeVisible();
    // The run is the embedded world's, and the shared page says so.
    await expect(guest.getByTestId("simulated-notice")).toContainText("SIMULATED: every role ran on rl-rig's embedded CPU world");
    // No control that changes data.
    for (const testId of ["cancel-run", "share-run", "revoke-share", "submit-run", "prompt-input", "run-actions"]) {
      await expect(guest.getByTestId(testId)).toHaveCount(0);
    }
    await expect(guest.getByRole("button", { name: /cancel|share|revoke|delete|new run|^run$/i })).toHaveCount(0);
    await expect(guest.locator("form")).toHaveCount(0);
    // Viewing controls still work.
    await guest.keyboard.press("Home");
    await shared.expectSelected(0);
    await guest.screenshot({ path: testInfo.outputPath("shared-viewer.png"), fullPage: true });

    // Open Graph image of the best iteration.
    const ogImage = await guest.locator('meta[property="og:image"]').getAttribute("content");
    expect(ogImage).toBeTruthy();
    expect(new URL(ogImage!).host, "absolute, on the host the link was opened on").toBe(new URL(shareUrl).host);
    const preview = await guest.request.get(ogImage!);
    expect(preview.status()).toBe(200);
    expect(preview.headers()["content-type"]).toContain("image/png");
    await testInfo.attach("og-image.png", { body: await preview.body(), contentType: "image/png" });

    // Revoke: the link stops working.
    await viewer.revokeButton.click();
    await expect(viewer.shareButton).toHaveText("Share");
    const revoked = await guest.goto(new URL(shareUrl).pathname);
    expect(revoked?.status()).toBe(404);
    await expect(shared.error).toContainText(/does not exist, was revoked or has expired/i);
  } finally {
    await context.close();
  }
});

test("a made-up share token shows a clear message", async ({ page }) => {
  const viewer = new RunViewerPage(page);
  const response = await page.goto("/s/not-a-real-token");
  expect(response?.status()).toBe(404);
  // Security headers, with no referrer on share pages.
  const headers = response!.headers();
  expect(headers["x-content-type-options"]).toBe("nosniff");
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  // Scripts only with this response's nonce, which Next.js put on each of its own scripts.
  const scriptSources = /script-src ([^;]*)/.exec(csp)?.[1] ?? "";
  expect(scriptSources).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
  expect(scriptSources).not.toContain("unsafe-inline");
  const nonce = /'nonce-([^']+)'/.exec(scriptSources)?.[1] ?? "";
  // Every script tag the server sent carries it (scripts those load need none: 'strict-dynamic').
  const scriptTags = (await response!.text()).match(/<script\b[^>]*>/g) ?? [];
  expect(scriptTags.length).toBeGreaterThan(0);
  for (const tag of scriptTags) expect(tag).toContain(`nonce="${nonce}"`);
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["x-powered-by"]).toBeUndefined();
  await expect(viewer.error).toContainText(/does not exist, was revoked or has expired/i);
  expect((await page.request.get("/api/share/not-a-real-token")).status()).toBe(404);
});
