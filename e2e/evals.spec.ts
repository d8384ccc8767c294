import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./fixtures";
import { EvalsPage } from "./pages/evals-page";

// Three self-written GenEval-style prompts (two position relations, one colour).
const DATASET = fileURLToPath(new URL("./data/evals-geneval.jsonl", import.meta.url));

test("an uploaded data set is evaluated live, summarised, and its items open in the run viewer", async ({ page }) => {
  const evals = new EvalsPage(page);
  await evals.goto();

  // The wrong format: the importer's message, naming the file and line, appears inline.
  await evals.upload(DATASET, { format: "dsg", name: "wrong format" });
  await expect(evals.error).toContainText("evals-geneval.jsonl:1");
  await expect(page).toHaveURL(/\/evals$/);

  await evals.upload(DATASET, { format: "geneval", name: "e2e geneval", maxIterations: 3 });
  await expect(page).toHaveURL(/\/evals\/[a-z0-9]+$/);
  await expect(evals.status).toHaveAttribute("data-status", "succeeded", { timeout: 45_000 });
  await expect(evals.progress).toContainText("3/3 items finished");
  await expect(evals.summary).toContainText("One-shot vs loop (3 items");
  await expect(page.getByTestId("summary-sgIoU")).toContainText(/\[[−+±]\d\.\d\d, [−+±]\d\.\d\d\]/);
  // Graded by the world's oracle in the web worker too, with the loop Checker's own reading beside it.
  await expect(page.getByTestId("simulated-notice")).toContainText("SIMULATED");
  await expect(page.getByTestId("eval-graded-by")).toContainText("3 graded by the world's oracle (what it really drew)");
  await expect(page.getByTestId("summary-checker")).toContainText(/Checker − Scorer on the loop: [−+±]\d\.\d\d/);
  await expect(page.getByTestId("summary-test-iou")).toContainText(/\d\.\d\d \/ \d\.\d\d \/ \d\.\d\d/);
  await expect(page.getByTestId("eval-curve").locator("circle").first()).toBeVisible();
  await expect(page.getByTestId("eval-histogram").locator("rect")).toHaveCount(10);
  await expect(page.getByTestId("breakdown-relation")).toContainText("right");
  await expect(page.getByTestId("eval-worst").locator("li")).toHaveCount(3);
  await expect(page.getByTestId("export-csv")).toHaveAttribute("href", /format=csv/);
  await expect(evals.itemRows).toHaveCount(3);
  const severe = (await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze()).violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  expect(severe.map((violation) => violation.id)).toEqual([]);

  // Sorting by gain (descending after two clicks) keeps every row.
  await page.getByTestId("sort-gain").click();
  await page.getByTestId("sort-gain").click();
  await expect(page.getByTestId("sort-gain")).toContainText("▼");

  // The list shows it finished; an item opens as a normal run.
  const prompt = (await evals.itemRows.first().getByTestId("eval-item-run").innerText()).trim();
  await evals.itemRows.first().getByTestId("eval-item-run").click();
  await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/);
  await expect(page.getByTestId("run-viewer")).toContainText(prompt);
  await evals.goto();
  await expect(page.getByTestId("eval-row").filter({ hasText: "e2e geneval" })).toContainText("3/3");
});
