import { describe, expect, it } from "vitest";
import { validatePromptInput } from "./input-validation";

describe("validatePromptInput", () => {
  it("accepts prompts and valid JSON", () => {
    expect(validatePromptInput("a dog right of a teddy bear")).toBeNull();
    expect(validatePromptInput('{"objects": []}')).toBeNull();
  });
  it("rejects empty, oversize and malformed JSON input", () => {
    expect(validatePromptInput("   ")).toBe("the prompt is empty");
    expect(validatePromptInput("a".repeat(2001))).toMatch(/longer than 2000 characters/);
    expect(validatePromptInput('{"objects": [')).toMatch(/^invalid JSON/);
  });
});
