import { expect, type Locator, type Page } from "@playwright/test";

/** /evals (upload form and list) and /evals/[id] (progress, summary, items). */
export class EvalsPage {
  readonly file: Locator;
  readonly format: Locator;
  readonly name: Locator;
  readonly maxIterations: Locator;
  readonly submit: Locator;
  readonly error: Locator;
  readonly status: Locator;
  readonly progress: Locator;
  readonly summary: Locator;
  readonly itemRows: Locator;

  constructor(readonly page: Page) {
    this.file = page.getByTestId("eval-file");
    this.format = page.getByTestId("eval-format");
    this.name = page.getByTestId("eval-name");
    this.maxIterations = page.getByTestId("eval-max-iterations");
    this.submit = page.getByTestId("eval-submit");
    this.error = page.getByTestId("eval-error");
    this.status = page.getByTestId("eval-status").getByTestId("run-status");
    this.progress = page.getByTestId("eval-progress");
    this.summary = page.getByTestId("eval-summary");
    this.itemRows = page.getByTestId("eval-item-row");
  }

  async goto(): Promise<void> {
    await this.page.goto("/evals");
    await expect(this.submit).toBeVisible();
  }

  async upload(file: string, options: { format: string; name: string; maxIterations?: number }): Promise<void> {
    await this.file.setInputFiles(file);
    await this.format.selectOption(options.format);
    await this.name.fill(options.name);
    if (options.maxIterations) await this.maxIterations.fill(String(options.maxIterations));
    await this.submit.click();
  }
}
