import AxeBuilder from "@axe-core/playwright";
import { createFinishedRun, expect, test } from "./fixtures";
import { RunViewerPage } from "./pages/run-viewer-page";

const INSTRUCTION = "move the dog so it is right of the cat";

test("fork at iteration 2 with a typed instruction: the branch appears, finishes, is shared and opens in a fresh context", async ({ browser, page, request, viewer }, testInfo) => {
  const parentId = await createFinishedRun(request);
  await viewer.goto(`/runs/${parentId}?i=2`);
  await viewer.expectSelected(2);
  await expect(page.getByTestId("branch-tree")).toContainText("No branches yet");

  await page.getByTestId("fork-button").click();
  const form = page.getByTestId("fork-form");
  await expect(form).toBeVisible();
  // The form is accessible while open, critique editor included.
  await form.getByLabel(/edited critique/).check();
  await expect(page.getByTestId("critique-editor")).toBeVisible();
  const axe = await new AxeBuilder({ page }).include('[data-testid="fork-form"]').withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(axe.violations.map((violation) => violation.id)).toEqual([]);
  await form.getByLabel(/My own instruction/).check();
  await page.getByTestId("fork-instruction").fill(INSTRUCTION);
  await page.getByTestId("fork-budget").fill("2");
  await page.getByTestId("fork-submit").click();

  // The branch's own page: its lineage, and the tree with both runs.
  await expect(page).toHaveURL(/\/runs\/[a-z0-9]+\?i=3$/);
  const branchId = new URL(page.url()).pathname.split("/").at(-1)!;
  expect(branchId).not.toBe(parentId);
  await expect(page.getByTestId("lineage-instruction")).toHaveText(INSTRUCTION);
  await viewer.waitUntilFinished();
  const nodes = page.getByTestId("branch-node");
  await expect(nodes).toHaveCount(2);
  await expect(page.locator(`[data-testid="branch-node"][data-run-id="${branchId}"]`)).toHaveAttribute("data-current", "true");
  await expect(page.getByTestId("best-leaf")).toHaveCount(1);
  // Iterations 0..2 are the parent's, 3 is the person's instruction, and at most 2 were added.
  await expect(viewer.timelineItems).toHaveCount(await viewer.timelineItems.count());
  const count = await viewer.timelineItems.count();
  expect(count).toBeGreaterThanOrEqual(4);
  expect(count).toBeLessThanOrEqual(5);
  await expect(page.locator('[data-inherited="true"]')).toHaveCount(3);
  await viewer.timelineItems.nth(3).click();
  await expect(page.getByTestId("instruction")).toHaveText(INSTRUCTION);
  await page.screenshot({ path: testInfo.outputPath("branch.png"), fullPage: true });

  // [ steps to the previous run of the tree (the parent), at the same iteration.
  await page.locator("body").click({ position: { x: 1, y: 1 } });
  await page.keyboard.press("[");
  await expect(page).toHaveURL(new RegExp(`/runs/${parentId}\\?i=3$`));
  await expect(page.locator(`[data-testid="branch-node"][data-run-id="${parentId}"]`)).toHaveAttribute("data-current", "true");
  await page.keyboard.press("]");
  await expect(page).toHaveURL(new RegExp(`/runs/${branchId}\\?i=3$`));

  // Compare the branch's iteration 3 (the person's edit) with the original run's iteration 3 (the Actor's).
  await viewer.timelineItems.nth(3).click();
  await page.getByTestId("compare-run").selectOption({ label: "Original run" });
  await page.getByTestId("compare-iteration").selectOption("3");
  await expect(page.getByTestId("compare-side").first()).toContainText("Original run · iteration 3");
  await expect(page.getByTestId("compare-side").nth(1)).toContainText("this run · iteration 3");
  await expect(page.getByTestId("compare-diff")).toContainText("From Original run · iteration 3 to this run · iteration 3");

  // Share the branch; a fresh context sees it read-only, with where it came from but no private link.
  await viewer.shareButton.click();
  await expect(viewer.shareUrl).toHaveValue(/\/s\/[A-Za-z0-9_-]{43}$/);
  const shareUrl = await viewer.shareUrl.inputValue();
  const context = await browser.newContext();
  try {
    const guest = new RunViewerPage(await context.newPage());
    await guest.goto(shareUrl);
    await expect(guest.viewer).toHaveAttribute("data-readonly", "true");
    await expect(guest.page.getByTestId("lineage-instruction")).toHaveText(INSTRUCTION);
    await expect(guest.page.getByTestId("lineage-note").locator("a")).toHaveCount(0);
    await expect(guest.page.getByTestId("fork-button")).toHaveCount(0);
    await expect(guest.page.getByTestId("branch-tree")).toHaveCount(0);
    await expect(guest.timelineItems).toHaveCount(count);
    const shared = (await (await guest.page.request.get(`/api/share/${shareUrl.split("/").at(-1)}`)).json()) as { lineage: { parentRunId: unknown; rootRunId: unknown; forkIndex: number } };
    expect(shared.lineage).toMatchObject({ parentRunId: null, rootRunId: null, forkIndex: 2 });
  } finally {
    await context.close();
  }
});

test("a fork the server refuses shows why and starts nothing", async ({ page, request, viewer }) => {
  const parentId = await createFinishedRun(request);
  await viewer.goto(`/runs/${parentId}?i=1`);
  await page.getByTestId("fork-button").click();
  await page.getByTestId("fork-instruction").fill("   ");
  // Whitespace passes the browser's `required`; the server's zod check answers.
  await page.getByTestId("fork-submit").click();
  await expect(page.getByTestId("fork-error")).toContainText("the instruction is empty");
  await expect(page).toHaveURL(new RegExp(`/runs/${parentId}`));
  const tree = (await (await request.get(`/api/runs/${parentId}/tree`)).json()) as { nodes: unknown[] };
  expect(tree.nodes).toHaveLength(1);
});

test("a rollout group opens the policy's candidate edits of an iteration as sibling branches with their rewards and advantages", async ({ page, request, viewer }, testInfo) => {
  const runId = await createFinishedRun(request);
  await viewer.goto(`/runs/${runId}?i=0`);
  await page.getByTestId("rollout-button").click();
  const samples = page.getByTestId("rollout-sample");
  await expect(samples.first()).toBeVisible();
  const count = await samples.count();
  expect(count).toBeGreaterThanOrEqual(2);
  expect(count).toBeLessThanOrEqual(8);
  await expect(page.getByTestId("branch-node")).toHaveCount(1 + count);
  // Every candidate branch runs its one edit; then each has a reward and an advantage.
  await expect(page.getByTestId("rollout-status").filter({ hasText: "succeeded" })).toHaveCount(count, { timeout: 90_000 });
  await expect(samples.filter({ has: page.locator('[data-reward=""]') })).toHaveCount(0);
  const advantages = await samples.evaluateAll((rows) => rows.map((row) => Number(row.getAttribute("data-advantage"))));
  const rewards = await samples.evaluateAll((rows) => rows.map((row) => Number(row.getAttribute("data-reward"))));
  expect(advantages.every(Number.isFinite)).toBe(true);
  expect(Math.abs(advantages.reduce((sum, value) => sum + value, 0))).toBeLessThan(1e-6);
  expect(advantages[rewards.indexOf(Math.max(...rewards))]).toBe(Math.max(...advantages));
  await page.screenshot({ path: testInfo.outputPath("rollout-group.png"), fullPage: true });
  const axe = await new AxeBuilder({ page }).include('[data-testid="branch-tree"]').include('[data-testid="rollout-groups"]').withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(axe.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`)).toEqual([]);

  // A candidate is an ordinary branch: its page shows the instruction it applied.
  const first = samples.first().getByRole("link");
  const instruction = (await first.textContent())!;
  await first.click();
  await expect(page.getByTestId("lineage-instruction")).toContainText(instruction);
});
