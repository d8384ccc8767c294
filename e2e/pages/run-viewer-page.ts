import { expect, type Locator, type Page } from "@playwright/test";

export const finishedStatuses = ["succeeded", "failed", "cancelled"] as const;

/** The run viewer (owner's /runs/[id] or read-only /s/[token]). */
export class RunViewerPage {
  readonly viewer: Locator;
  readonly status: Locator;
  readonly timelineItems: Locator;
  readonly currentIteration: Locator;
  readonly overlay: Locator;
  readonly overlayCanvas: Locator;
  readonly tripleRows: Locator;
  readonly playButton: Locator;
  readonly cancelButton: Locator;
  readonly shareButton: Locator;
  readonly revokeButton: Locator;
  readonly shareUrl: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.viewer = page.getByTestId("run-viewer");
    this.status = page.getByTestId("run-viewer").getByTestId("run-status");
    this.timelineItems = page.getByTestId("timeline-item");
    this.currentIteration = page.getByTestId("current-iteration");
    this.overlay = page.getByTestId("overlay-data");
    this.overlayCanvas = page.getByTestId("overlay-canvas").locator("canvas").first();
    this.tripleRows = page.getByTestId("triple-row");
    this.playButton = page.getByTestId("play-button");
    this.cancelButton = page.getByTestId("cancel-run");
    this.shareButton = page.getByTestId("share-run");
    this.revokeButton = page.getByTestId("revoke-share");
    this.shareUrl = page.getByTestId("share-url");
    this.error = page.getByTestId("viewer-error");
  }

  async goto(path: string): Promise<void> {
    await this.page.goto(path);
    await expect(this.viewer.or(this.error)).toBeVisible();
  }

  async waitUntilFinished(timeout = 60_000): Promise<string> {
    await expect(this.viewer).toHaveAttribute("data-status", new RegExp(`^(${finishedStatuses.join("|")})$`), { timeout });
    return (await this.viewer.getAttribute("data-status")) ?? "";
  }

  async selectedIndex(): Promise<number> {
    return Number(await this.currentIteration.getAttribute("data-index"));
  }

  async expectSelected(index: number): Promise<void> {
    await expect(this.currentIteration).toHaveAttribute("data-index", String(index));
    await expect(this.overlay).toHaveAttribute("data-iteration", String(index));
    await expect(this.page).toHaveURL(new RegExp(`[?&]i=${index}(&|$)`));
  }

  async overlayCounts(): Promise<{ boxes: number; arrows: number }> {
    return {
      boxes: Number(await this.overlay.getAttribute("data-boxes")),
      arrows: Number(await this.overlay.getAttribute("data-arrows")),
    };
  }
}
