import { readFileSync } from "node:fs";
import { createFinishedRun, expect, MULTI_ITERATION_PROMPT, MULTI_ITERATION_SETTINGS, test } from "./fixtures";
import { RunViewerPage } from "./pages/run-viewer-page";

test.describe("run viewer", () => {
  test("submit a prompt, watch the run complete live, step through iterations by keyboard, see the overlay", async ({ page, home, viewer }, testInfo) => {
    await home.goto();
    await home.setSettings({ Seed: MULTI_ITERATION_SETTINGS.seed, "Max iterations": MULTI_ITERATION_SETTINGS.maxIterations, Patience: MULTI_ITERATION_SETTINGS.patience });
    await home.submitPrompt(MULTI_ITERATION_PROMPT);

    // Navigates to the viewer at once, before the run has finished.
    await page.waitForURL(/\/runs\/[a-z0-9]+$/, { timeout: 10_000 });
    await expect(viewer.viewer).toBeVisible();
    const runId = new URL(page.url()).pathname.split("/").pop()!;

    // Live: iterations land in the timeline without a reload, until the run finishes.
    const seenCounts = new Set<number>();
    const seenStatuses = new Set<string>();
    let liveShot = false;
    await expect
      .poll(
        async () => {
          // Status first: the last iteration lands before the final status, so a finished status implies the final length.
          const status = (await viewer.viewer.getAttribute("data-status")) ?? "";
          const length = await viewer.timelineItems.count();
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
    expect(count).toBeLessThanOrEqual(MULTI_ITERATION_SETTINGS.maxIterations);
    expect(Math.max(...seenCounts)).toBe(count);
    await expect(page.getByTestId("iteration-count")).toContainText(`${count} / ${MULTI_ITERATION_SETTINGS.maxIterations}`);
    const api = (await (await page.request.get(`/api/runs/${runId}`)).json()) as { iterationCount: number; status: string };
    expect(api.iterationCount).toBe(count);
    await expect(viewer.viewer).toHaveAttribute("data-status", api.status);
    // The page saw the run before it finished and grew without a reload.
    expect([...seenStatuses].some((status) => status === "queued" || status === "running")).toBe(true);
    expect(seenCounts.size).toBeGreaterThan(1);
    console.log(`live: timeline lengths seen ${[...seenCounts].sort().join(", ")}; statuses ${[...seenStatuses].join(", ")}`);

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
    expect(drawn.arrows).toBeGreaterThan(0);
    const tripleCount = await viewer.tripleRows.count();
    expect(drawn.arrows).toBeLessThanOrEqual(tripleCount);
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

  test("Cancel stops a running run", async ({ page, request, viewer }) => {
    // Contradictory relations: SG-IoU never reaches the target, so the run goes on until cancelled.
    const impossible = {
      objects: [
        { id: "cat", label: "cat" },
        { id: "dog", label: "dog" },
      ],
      relations: [
        { subject: "cat", predicate: "left of", object: "dog" },
        { subject: "dog", predicate: "left of", object: "cat" },
      ],
    };
    const created = await request.post("/api/runs", { data: { input: JSON.stringify(impossible), settings: { maxIterations: 20, targetSgIoU: 1, patience: 20 } } });
    expect(created.status()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await viewer.goto(`/runs/${id}`);
    const status = await viewer.viewer.getAttribute("data-status");
    test.skip(status !== "queued" && status !== "running", `the run finished before it could be cancelled (${status})`);
    await viewer.cancelButton.click();
    await expect(viewer.viewer).toHaveAttribute("data-status", "cancelled");
    await expect(viewer.cancelButton).toHaveCount(0);
    await page.reload();
    await expect(viewer.viewer).toHaveAttribute("data-status", "cancelled");
  });

  test("an unknown run says so", async ({ page }) => {
    await page.goto("/runs/doesnotexist0000000000000");
    await expect(new RunViewerPage(page).error).toContainText(/not found/i);
  });
});
