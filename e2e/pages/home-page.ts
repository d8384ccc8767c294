import { expect, type Locator, type Page } from "@playwright/test";

/** The home page: prompt box, settings, examples and the run list. */
export class HomePage {
  readonly input: Locator;
  readonly submit: Locator;
  readonly error: Locator;
  readonly runRows: Locator;
  readonly search: Locator;

  constructor(readonly page: Page) {
    this.input = page.getByTestId("prompt-input");
    this.submit = page.getByTestId("submit-run");
    this.error = page.getByTestId("prompt-error");
    this.runRows = page.getByTestId("run-row");
    this.search = page.getByTestId("run-search");
  }

  async goto(): Promise<void> {
    await this.page.goto("/");
    await expect(this.input).toBeVisible();
  }

  async setSettings(settings: Partial<Record<"Seed" | "Max iterations" | "Target SG-IoU" | "Patience", number>>): Promise<void> {
    await this.page.getByText("Settings", { exact: true }).click();
    for (const [label, value] of Object.entries(settings)) {
      await this.page.getByLabel(label, { exact: true }).fill(String(value));
    }
  }

  async submitPrompt(text: string): Promise<void> {
    await this.input.fill(text);
    await this.submit.click();
  }
}
