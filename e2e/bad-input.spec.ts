import { expect, test } from "./fixtures";

test.describe("bad input is reported inline", () => {
  test("empty, oversize and malformed JSON are caught before sending", async ({ page, home }) => {
    await home.goto();
    await home.submitPrompt("   ");
    await expect(home.error).toHaveText("the prompt is empty");
    await home.submitPrompt("a".repeat(2001));
    await expect(home.error).toContainText("longer than 2000 characters");
    await home.submitPrompt('{"objects": [');
    await expect(home.error).toContainText("invalid JSON");
    await expect(page).toHaveURL(/\/$/);
  });

  test("the API's message is shown for input the server rejects", async ({ page, home }) => {
    await home.goto();
    // Valid JSON, invalid scene graph: a relation to an object that does not exist.
    await home.submitPrompt(JSON.stringify({ objects: [{ id: "a", label: "cup" }], relations: [{ subject: "a", predicate: "left of", object: "b" }] }));
    await expect(home.error).toBeVisible();
    await expect(home.error).toContainText(/"b"/);
    await expect(home.input).toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL(/\/$/);
    // Editing clears the error.
    await home.input.fill("a photo of a dog right of a teddy bear");
    await expect(home.error).toHaveCount(0);
  });
});
