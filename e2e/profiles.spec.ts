import { expect, test } from "./fixtures";

const roles = ["diffuser", "checker", "actor", "editor", "judge"];

test("the profile select offers sim (the default) and the config's profiles, says what serves each role, and a run on sim still works", async ({ page, home, viewer }) => {
  await home.goto();
  await page.getByText("Settings", { exact: true }).click();
  const select = page.getByTestId("profile-select");
  await expect(select).toHaveValue("sim");
  await expect(select.locator("option")).toHaveText([/^sim/, /^remote/, /^photo/, /^paced/, /^vlm/]);
  const servedBy = page.getByTestId("profile-role");
  await expect(servedBy).toHaveCount(5);
  for (const role of roles) await expect(page.locator(`[data-testid="profile-role"][data-role="${role}"]`)).toHaveAttribute("data-backend", "sim");
  await expect(page.getByTestId("seed-note")).toHaveCount(0);

  // Another profile: its back ends, the seed caveat and what keeps it from working now.
  await select.selectOption("remote");
  await expect(page.locator('[data-testid="profile-role"][data-role="checker"]')).toContainText("openai-compatible · e2e-vlm");
  await expect(page.getByTestId("seed-note")).toContainText("checker does not honour seeds: replays may differ");
  await expect(page.getByTestId("profile-problems")).toContainText("checker: the key it needs is not set on the server");
  await expect(page.getByTestId("settings-profile")).toHaveText("(profile: remote)");
  await expect(page.getByTestId("profile-config-error")).toHaveCount(0);

  // The remote profile keeps the embedded Actor, so its policy can still be chosen.
  await expect(page.getByTestId("actor-policy-select")).toBeVisible();
  await select.selectOption("sim");
  // The embedded Actor's policy: the untrained one, shown with the run's back ends.
  const policy = page.getByTestId("actor-policy-select");
  await expect(policy.locator("option")).toHaveText([/^heuristic/, /^uniform/]);
  await policy.selectOption("uniform");
  // And the embedded Editor's placement policy beside it.
  const editorPolicy = page.getByTestId("editor-policy-select");
  await expect(editorPolicy.locator("option")).toHaveText([/^heuristic/, /^uniform/]);
  await editorPolicy.selectOption("uniform");
  // The settings are open already (setSettings would toggle them shut).
  await page.getByLabel("Max iterations", { exact: true }).fill("2");
  await page.getByLabel("Patience", { exact: true }).fill("1");
  await home.submitPrompt("a photo of a cup left of a laptop");
  await page.waitForURL(/\/runs\/[a-z0-9]+/);
  await expect(viewer.status).toHaveAttribute("data-status", /succeeded|failed/, { timeout: 30_000 });
  await expect(viewer.status).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("run-profile")).toHaveText("sim");
  await expect(page.getByTestId("run-role-backend")).toHaveCount(5);
  await expect(page.locator('[data-testid="run-role-backend"][data-role="editor"]')).toContainText("sim (policy uniform)");
  await expect(page.locator('[data-testid="run-role-backend"][data-role="actor"]')).toContainText("sim (policy uniform)");
});

test("a run on a profile that cannot be resolved fails at once with the reason shown; the API never shows URLs or key variables", async ({ page, request, viewer }) => {
  const listed = await request.get("/api/profiles");
  expect(listed.status()).toBe(200);
  const text = await listed.text();
  expect(text).toContain('"remote"');
  for (const hidden of ["127.0.0.1:9", "RIG_E2E_UNSET_KEY", "baseURL", "apiKeyEnv"]) expect(text).not.toContain(hidden);

  const unknown = await request.post("/api/runs", { data: { input: "a cat left of a dog", settings: { profile: "nope" } } });
  expect(unknown.status()).toBe(400);
  expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe('settings.profile: unknown profile "nope"; available profiles: sim, remote, photo, paced, vlm');

  const created = await request.post("/api/runs", { data: { input: "a cat left of a dog", settings: { profile: "remote", maxIterations: 2 } } });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await viewer.goto(`/runs/${id}`);
  await expect(viewer.status).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
  await expect(page.getByRole("alert").filter({ hasText: "RIG_E2E_UNSET_KEY is not set" })).toBeVisible();
  await expect(page.getByTestId("run-profile")).toHaveText("remote");
});

test("the evaluation form has the profile, Actor and Editor policy selects too", async ({ page }) => {
  await page.goto("/evals");
  const select = page.getByTestId("profile-select");
  await expect(select).toHaveValue("sim");
  await expect(select).toHaveAttribute("name", "settings.profile");
  await select.selectOption("remote");
  await expect(page.getByTestId("seed-note")).toContainText("replays may differ");
  // The embedded Actor's policy goes with the upload too.
  await expect(page.getByTestId("actor-policy-select")).toHaveAttribute("name", "settings.actorPolicy");
  await expect(page.getByTestId("actor-policy-select")).toHaveValue("heuristic");
  await expect(page.getByTestId("editor-policy-select")).toHaveAttribute("name", "settings.editorPolicy");
});
