import { expect, test } from "./fixtures";

/**
 * The real-image path with no VLM, on the production server: the "photo" profile (see
 * playwright.config.ts) gets its images from an AUTOMATIC1111-speaking server that answers with a
 * photograph of a footballer with the ball at his feet, the local COCO detector checks and judges
 * them, and the sim Actor writes the instructions.
 */
interface RunJson {
  status: string;
  stopReason: string | null;
  judgement: { score: number; rationale: string } | null;
  iterations: { instruction: string | null; detected: { objects: { label: string }[] }; critique: { triples: { status: string; observedPredicate?: string }[] } }[];
}

test("photo profile: A1111 images, live sampling progress, the local detector's verdict, the sim Actor's instruction", async ({ page, request, viewer }) => {
  const created = await request.post("/api/runs", { data: { input: "a sports ball above a person", settings: { profile: "photo", maxIterations: 2, patience: 3 } } });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await viewer.goto(`/runs/${id}`);

  // A1111 reports its sampling steps while it works (8 steps of 600 ms): the viewer shows them live.
  // One wait for the count itself: under load the bar of a short call can vanish between two checks.
  const samplingCount = page.getByTestId("role-progress-count").filter({ hasText: /^\d\/8$/ });
  await expect(samplingCount).toBeVisible({ timeout: 20_000 });

  expect(await viewer.waitUntilFinished()).toBe("succeeded");
  await expect(page.locator('[data-testid="run-role-backend"][data-role="checker"]')).toContainText("local-detector");
  await expect(page.locator('[data-testid="run-role-backend"][data-role="diffuser"]')).toContainText("a1111");
  await expect(viewer.timelineItems).toHaveCount(2);

  // The detector found both things in the photograph, and the ball is below the man, not above.
  const run = (await (await request.get(`/api/runs/${id}`)).json()) as RunJson;
  expect(run.stopReason).toBe("budget-spent");
  const first = run.iterations[0]!;
  expect(first.detected.objects.map((object) => object.label).sort()).toEqual(["person", "sports ball"]);
  expect(first.critique.triples).toEqual([expect.objectContaining({ status: "violated", observedPredicate: "below" })]);
  expect(run.iterations[1]!.instruction).toMatch(/ball/i);
  // The Judge's own detection agrees: both objects there, the relation not (1 + 9 * 0.3).
  expect(run.judgement).toMatchObject({ score: 3.7, rationale: expect.stringContaining("2/2 objects as asked, 0/1 relations hold") });
  await expect(viewer.tripleRows.first()).toHaveAttribute("data-status", "violated");
});

test("vlm profile: Checker and Judge over chat completions with a key, prompt versions recorded, the key nowhere in what the browser gets", async ({ page, request, viewer }) => {
  const created = await request.post("/api/runs", { data: { input: "a cup left of a laptop", settings: { profile: "vlm", maxIterations: 3 } } });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await viewer.goto(`/runs/${id}`);
  expect(await viewer.waitUntilFinished()).toBe("succeeded");
  await expect(page.locator('[data-testid="run-role-backend"][data-role="checker"]')).toContainText("openai-compatible");
  await expect(viewer.tripleRows.first()).toHaveAttribute("data-status", "satisfied");

  // The fake VLM saw the embedded world's image and named what it was offered: target reached at once.
  const response = await request.get(`/api/runs/${id}`);
  const text = await response.text();
  const run = JSON.parse(text) as RunJson & { backends: { promptVersions: Record<string, string> } };
  expect(run.stopReason).toBe("target-reached");
  expect(run.iterations).toHaveLength(1);
  expect(run.judgement).toMatchObject({ score: 9 });
  expect(run.backends.promptVersions).toEqual({ checker: "checker.v2", judge: "judge.v1" });
  const key = process.env.E2E_VLM_KEY!;
  expect(text).not.toContain(key);
  expect(await page.content()).not.toContain(key);
  expect(await (await request.get("/api/profiles")).text()).not.toContain(key);
});
