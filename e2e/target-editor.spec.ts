import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./fixtures";
import { RunViewerPage } from "./pages/run-viewer-page";

test("build a 3-object target on the canvas and in the form, see it live, get told about a cycle and an unknown predicate, and run it", async ({ page }, testInfo) => {
  await page.goto("/targets/new");
  const canvas = page.getByTestId("target-canvas");
  const problems = page.getByTestId("target-problems");
  await expect(problems).toContainText("add at least one object");
  await expect(page.getByTestId("run-target")).toBeDisabled();

  for (const [label, attributes] of [["cup", "red"], ["laptop", ""], ["desk", "brown"]]) {
    await page.getByTestId("object-label").fill(label!);
    await page.getByTestId("object-attributes").fill(attributes!);
    await page.getByTestId("add-object").click();
  }
  await expect(canvas).toHaveAttribute("data-objects", "3");
  await expect(problems).toHaveCount(0);

  // A relation from the form: red cup left of laptop.
  await page.getByTestId("relation-subject").selectOption("cup-1");
  await page.getByTestId("relation-predicate").fill("left of");
  await page.getByTestId("relation-object").selectOption("laptop-1");
  await page.getByTestId("add-relation").click();

  // A relation drawn on the canvas: click the laptop's card, then the desk's, with predicate "on".
  // New objects sit on a 3-column grid (x 0.18 / 0.5 / 0.82, y 0.2 of the free width and height).
  await page.getByTestId("relation-predicate").fill("on");
  const box = (await canvas.boundingBox())!;
  const cardCentre = (column: number) => ({ x: (0.18 + column * 0.32) * (box.width - 120) + 60, y: 0.2 * (box.height - 44) + 22 });
  await canvas.click({ position: cardCentre(1) });
  await expect(page.getByTestId("canvas-hint")).toContainText("Now click the object");
  await canvas.click({ position: cardCentre(2) });
  await expect(canvas).toHaveAttribute("data-relations", "2");

  // Text and LAION-SG JSON follow the graph.
  await expect(page.getByTestId("target-text")).toContainText("left of");
  await expect(page.getByTestId("target-text")).toContainText("on");
  const laion = JSON.parse((await page.getByTestId("target-laion-sg").textContent())!) as { items: Array<{ label: string; attributes: string[] }>; relations: Array<{ relation: string }> };
  expect(laion.items.map((item) => [item.label, item.attributes])).toEqual([["cup", ["red"]], ["laptop", []], ["desk", ["brown"]]]);
  expect(laion.relations.map((relation) => relation.relation)).toEqual(["left of", "on"]);

  // Dragging a card moves it and keeps the graph.
  const desk = cardCentre(2);
  await page.mouse.move(box.x + desk.x, box.y + desk.y);
  await page.mouse.down();
  await page.mouse.move(box.x + desk.x - 40, box.y + desk.y + 150, { steps: 8 });
  await page.mouse.up();
  await expect(canvas).toHaveAttribute("data-relations", "2");
  await page.screenshot({ path: testInfo.outputPath("target-editor.png"), fullPage: true });

  // A cycle that cannot hold, then an unknown predicate: each gets a clear message and blocks Run.
  await page.getByTestId("relation-subject").selectOption("laptop-1");
  await page.getByTestId("relation-predicate").fill("left of");
  await page.getByTestId("relation-object").selectOption("cup-1");
  await page.getByTestId("add-relation").click();
  await expect(problems).toHaveText("these relations cannot all hold: red cup left of laptop, laptop left of red cup");
  await expect(page.getByTestId("run-target")).toBeDisabled();
  await page.getByRole("button", { name: "Remove relation 3" }).click();
  await page.getByTestId("relation-predicate").fill("zorbles");
  await page.getByTestId("add-relation").click();
  await expect(problems).toContainText('unknown predicate "zorbles"');
  await page.getByRole("button", { name: "Remove relation 3" }).click();
  await expect(problems).toHaveCount(0);

  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(axe.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`)).toEqual([]);

  await page.getByLabel("Max iterations").fill("3");
  await page.getByTestId("run-target").click();
  await page.waitForURL(/\/runs\/[a-z0-9]+$/);
  const viewer = new RunViewerPage(page);
  await viewer.waitUntilFinished();
  const runId = new URL(page.url()).pathname.split("/").at(-1)!;
  const run = (await (await page.request.get(`/api/runs/${runId}`)).json()) as { target: { objects: Array<{ id: string }>; relations: Array<{ subject: string; predicate: string; object: string }> } };
  expect(run.target.objects.map((object) => object.id)).toEqual(["cup-1", "laptop-1", "desk-1"]);
  expect(run.target.relations).toEqual([
    { subject: "cup-1", predicate: "left of", object: "laptop-1" },
    { subject: "laptop-1", predicate: "on", object: "desk-1" },
  ]);
});

test("the API refuses a contradictory target with the same message the editor shows", async ({ request }) => {
  const response = await request.post("/api/runs", { data: { input: "a cat left of a dog; the dog left of the cat" } });
  expect(response.status()).toBe(400);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error).toEqual({ code: "bad_request:input", message: "these relations cannot all hold: cat left of dog, dog left of cat" });
});
