import { readFileSync } from "node:fs";
import { createFinishedRun, expect, LONG_RUN_SETTINGS, SLOW_RUN_PROMPT, test } from "./fixtures";
import { RunViewerPage } from "./pages/run-viewer-page";

test.describe("run viewer", () => {
  test("submit a prompt, watch the run complete live, step through iterations by keyboard, see the overlay", async ({ page, home, viewer }, testInfo) => {
    await home.goto();
    await home.setSettings({ Seed: LONG_RUN_SETTINGS.seed, "Max iterations": LONG_RUN_SETTINGS.maxIterations, Patience: LONG_RUN_SETTINGS.patience });
    // The "paced" profile (400 ms per Checker call, so 20 iterations take 8 s or more): unpaced, Node 24
    // can finish the run before the page has connected, and then no partial timeline is ever shown.
    await page.getByTestId("profile-select").selectOption("paced");
    await home.submitPrompt(SLOW_RUN_PROMPT);

    // Navigates to the viewer at once, before the run has finished.
    await page.waitForURL(/\/runs\/[a-z0-9]+$/, { timeout: 10_000 });
    await expect(viewer.viewer).toBeVisible();
    const runId = new URL(page.url()).pathname.split("/").pop()!;
    await expect(page.getByTestId("run-profile")).toHaveText("paced");
    await expect(page.getByTestId("simulated-notice")).toContainText("SIMULATED: every role ran on rl-rig's embedded CPU world");

    // Live: iterations land in the timeline without a reload, until the run finishes.
    const seenCounts = new Set<number>();
    const seenStatuses = new Set<string>();
    const seenStreamStates = new Set<string>();
    let liveShot = false;
    await expect
      .poll(
        async () => {
          // Status first: the last iteration lands before the final status, so a finished status implies the final length.
          const status = (await viewer.viewer.getAttribute("data-status")) ?? "";
          const length = await viewer.timelineItems.count();
          seenStreamStates.add((await viewer.viewer.getAttribute("data-stream")) ?? "");
          seenCounts.add(length);
          seenStatuses.add(status);
          if (!liveShot && status === "running" && length > 0) {
            liveShot = true;
            await page.screenshot({ path: testInfo.outputPath("viewer-live.png") });
          }
          return status;
        },
        { timeout: 60_000, intervals: [100] },
      )
      .toMatch(/^(succeeded|failed|cancelled)$/);
    const count = await viewer.timelineItems.count();
    expect(count).toBeGreaterThan(1);
    expect(count).toBeLessThanOrEqual(LONG_RUN_SETTINGS.maxIterations);
    expect(Math.max(...seenCounts)).toBe(count);
    await expect(page.getByTestId("iteration-count")).toContainText(`${count} / ${LONG_RUN_SETTINGS.maxIterations}`);
    const api = (await (await page.request.get(`/api/runs/${runId}`)).json()) as { iterationCount: number; status: string };
    expect(api.iterationCount).toBe(count);
    await expect(viewer.viewer).toHaveAttribute("data-status", api.status);
    // The page saw the run before it finished and grew without a reload.
    expect([...seenStatuses].some((status) => status === "queued" || status === "running")).toBe(true);
    const lengths = [...seenCounts].sort((a, b) => a - b);
    console.log(`live: timeline lengths seen ${lengths.join(", ")}; statuses ${[...seenStatuses].join(", ")}; stream ${[...seenStreamStates].join(", ")}`);
    expect(lengths.some((length) => length > 0 && length < count), "an intermediate timeline was shown").toBe(true);

    // Keyboard: Home, right, right, left, End.
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("Home");
    await viewer.expectSelected(0);
    await page.keyboard.press("ArrowRight");
    await viewer.expectSelected(1);
    await page.keyboard.press("ArrowLeft");
    await viewer.expectSelected(0);
    await page.keyboard.press("ArrowLeft");
    await viewer.expectSelected(0);
    await page.keyboard.press("End");
    await viewer.expectSelected(count - 1);

    // The overlay: a canvas, and its data.
    await expect(viewer.overlayCanvas).toBeVisible();
    const drawn = await viewer.overlayCounts();
    expect(drawn.boxes).toBeGreaterThan(0);
    // Every target triple is either drawn as an arrow or listed as not drawable (an end not found).
    const tripleCount = await viewer.tripleRows.count();
    expect(tripleCount).toBe(6); // SLOW_RUN_PROMPT's six triples
    expect(drawn.arrows + Number(await viewer.overlay.getAttribute("data-undrawn-triples"))).toBe(tripleCount);
    await page.screenshot({ path: testInfo.outputPath("viewer.png"), fullPage: true });

    // Layers toggle off and on.
    await page.getByTestId("layer-boxes").uncheck();
    await expect(viewer.overlay).toHaveAttribute("data-boxes", "0");
    await page.getByTestId("layer-relations").uncheck();
    await expect(viewer.overlay).toHaveAttribute("data-arrows", "0");
    await page.getByTestId("layer-boxes").check();
    await page.getByTestId("layer-relations").check();
    await expect(viewer.overlay).toHaveAttribute("data-boxes", String(drawn.boxes));

    // Hovering a triple highlights it.
    await viewer.tripleRows.first().hover();
    await expect(viewer.tripleRows.first()).toHaveClass(/bg-blue-50/);
    await viewer.overlay.screenshot({ path: testInfo.outputPath("overlay-highlight.png") });
  });

  test("?i=N deep-links an iteration; the play button steps through; compare and chart are shown", async ({ page, request, viewer }, testInfo) => {
    const runId = await createFinishedRun(request);
    await viewer.goto(`/runs/${runId}?i=1`);
    await viewer.expectSelected(1);
    await expect(page.getByTestId("metrics-chart")).toBeVisible();
    await expect(page.getByTestId("compare-view")).toBeVisible();
    await page.getByLabel("Slider").check();
    await expect(page.getByTestId("compare-slider")).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("viewer-deep-link.png"), fullPage: true });

    await viewer.playButton.click();
    await expect(viewer.currentIteration).toHaveAttribute("data-index", "2", { timeout: 5_000 });
    await viewer.playButton.click();
    await expect(viewer.playButton).toHaveAttribute("aria-pressed", "false");

    const download = page.waitForEvent("download");
    await page.getByTestId("export-json").click();
    const file = await download;
    const trajectory = JSON.parse(readFileSync(await file.path(), "utf8")) as { iterations: { image: string }[] };
    expect(trajectory.iterations.length).toBeGreaterThan(1);
    const image = await request.get(trajectory.iterations[0]!.image);
    expect(image.headers()["content-type"]).toContain("image/png");
  });

  test("Cancel stops a live run", async ({ page, request, viewer }) => {
    // Two long runs keep the worker (two at a time) busy, so the third is still live when Cancel is clicked.
    const create = async () => {
      const response = await request.post("/api/runs", { data: { input: SLOW_RUN_PROMPT, settings: LONG_RUN_SETTINGS } });
      expect(response.status()).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    const blockers = [await create(), await create()];
    const id = await create();
    try {
      await viewer.goto(`/runs/${id}`);
      await expect(viewer.viewer).toHaveAttribute("data-status", /^(queued|running)$/);
      await viewer.cancelButton.click();
      await expect(viewer.viewer).toHaveAttribute("data-status", "cancelled");
      await expect(viewer.cancelButton).toHaveCount(0);
      await page.reload();
      await expect(viewer.viewer).toHaveAttribute("data-status", "cancelled");
    } finally {
      for (const blocker of blockers) await request.post(`/api/runs/${blocker}/cancel`);
    }
  });

  test("an unknown run says so", async ({ page }) => {
    await page.goto("/runs/doesnotexist0000000000000");
    await expect(new RunViewerPage(page).error).toContainText(/not found/i);
  });
});
