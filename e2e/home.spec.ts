import { createFinishedRun, expect, test } from "./fixtures";

test("the run list shows status, thumbnail and best SG-IoU, and searches prompts", async ({ page, request, home }) => {
  await createFinishedRun(request, "a photo of a wine glass above a kite", { seed: 3, maxIterations: 2, targetSgIoU: 1, patience: 1 });
  await home.goto();
  await expect(home.runRows.first()).toBeVisible();
  await home.search.fill("wine glass above");
  await expect(home.runRows.first()).toContainText("a photo of a wine glass above a kite");
  // The list refreshes after the search settles; other tests' runs must drop out of it.
  await expect.poll(async () => (await home.runRows.allInnerTexts()).every((text) => text.includes("wine glass above"))).toBe(true);
  const row = home.runRows.first();
  await expect(row.getByTestId("run-status")).toHaveAttribute("data-status", /succeeded|failed/);
  await expect(row.locator("img")).toHaveAttribute("src", /variant=thumb/);
  await expect(row).toContainText(/best\s*(Best SG-IoU\s*)?\d\.\d\d/);

  await home.search.fill("no prompt says this 12345");
  await expect(page.getByText("No run matches.")).toBeVisible();

  // Clicking an example fills the prompt box.
  await home.search.fill("");
  await page.getByRole("button", { name: /a bee on the right of a refrigerator/ }).click();
  await expect(home.input).toHaveValue("a bee on the right of a refrigerator");
});
