import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { createFinishedRun, expect, test } from "./fixtures";

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.map((node) => node.target.join(" ")).slice(0, 5) }));
}

test("home page has no serious accessibility violations", async ({ page, home }) => {
  await home.goto();
  await page.getByText("Settings", { exact: true }).click();
  expect(await seriousViolations(page)).toEqual([]);
});

test("run viewer has no serious accessibility violations and works by keyboard", async ({ page, request, viewer }) => {
  const runId = await createFinishedRun(request);
  await viewer.goto(`/runs/${runId}?i=0`);
  await expect(viewer.overlayCanvas).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  // Tab reaches the timeline; Enter on a thumbnail selects it.
  const second = viewer.timelineItems.nth(1);
  await second.focus();
  await page.keyboard.press("Enter");
  await viewer.expectSelected(1);
  // A focused triple row highlights the triple.
  await viewer.tripleRows.first().focus();
  await expect(viewer.tripleRows.first()).toHaveClass(/bg-blue-50/);
});
