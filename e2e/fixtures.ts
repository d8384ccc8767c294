import { test as base, expect, type APIRequestContext } from "@playwright/test";
import { HomePage } from "./pages/home-page";
import { RunViewerPage } from "./pages/run-viewer-page";

/**
 * A prompt the embedded world needs several iterations for (seed 2: the first image breaks
 * relations, the loop repairs them), and settings that keep a run short.
 */
export const MULTI_ITERATION_PROMPT = "a red cup left of a laptop; laptop on a desk; a cat under the desk; a dog right of the cat";
export const MULTI_ITERATION_SETTINGS = { seed: 2, maxIterations: 6, targetSgIoU: 1, patience: 6 };

/**
 * Relations the embedded world cannot satisfy (three animals inside one cup) beside three it can:
 * SG-IoU stays below 1 (0.5 with seed 1), so the loop runs its whole budget. Six triples and ten
 * objects make each iteration slow enough for the viewer to be open while iterations land. Not a
 * contradiction: the API refuses targets whose relations cannot all hold.
 */
export const LONG_RUN_SETTINGS = { seed: 1, maxIterations: 20, targetSgIoU: 1, patience: 20 };
export const SLOW_RUN_PROMPT = "a cat inside a cup; a dog inside the cup; a bird inside the cup; a laptop left of a bench; a zebra behind a car; a book on a table";

/** Creates a run through the JSON API and waits until it has finished. */
export async function createFinishedRun(request: APIRequestContext, input = MULTI_ITERATION_PROMPT, settings: Record<string, unknown> = MULTI_ITERATION_SETTINGS): Promise<string> {
  const created = await request.post("/api/runs", { data: { input, settings } });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await expect
    .poll(
      async () => {
        const response = await request.get(`/api/runs/${id}`);
        return ((await response.json()) as { status: string }).status;
      },
      { timeout: 60_000, intervals: [250, 500, 1000] },
    )
    .toMatch(/^(succeeded|failed|cancelled)$/);
  return id;
}

export const test = base.extend<{ home: HomePage; viewer: RunViewerPage }>({
  // Any uncaught error in the page (a hydration mismatch, a failed render) fails the test, and so
  // does anything the Content-Security-Policy blocked (a script without the nonce, say).
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy|Refused to (load|execute|apply|connect|evaluate|frame)/i.test(message.text())) errors.push(`CSP: ${message.text()}`);
    });
    await use(page);
    expect(errors, "uncaught errors or CSP violations in the page").toEqual([]);
  },
  home: async ({ page }, use) => {
    await use(new HomePage(page));
  },
  viewer: async ({ page }, use) => {
    await use(new RunViewerPage(page));
  },
});

export { expect };
