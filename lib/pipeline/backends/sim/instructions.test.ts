import { describe, expect, it } from "vitest";
import { formatInstruction, InstructionParseError, parseInstruction, splitInstruction, splitSceneContext, withSceneContext, type EditInstruction } from "./instructions";

describe("the edit language", () => {
  const edits: EditInstruction[] = [
    { kind: "move", subject: { label: "cup", colour: "red" }, relation: "left", anchor: { label: "laptop" } },
    { kind: "move", subject: { label: "lamp" }, relation: "in-front", anchor: { label: "chair" } },
    { kind: "move", subject: { label: "cup", ordinal: "leftmost" }, relation: "on", anchor: { label: "teddy bear" } },
    { kind: "add", subject: { label: "dog", size: "small" }, relation: "near", anchor: { label: "bench" } },
    { kind: "add", subject: { label: "apple" } },
    { kind: "remove", subject: { label: "cat" } },
    { kind: "recolour", subject: { label: "car" }, colour: "blue" },
  ];

  it("reads back every instruction it writes", () => {
    for (const edit of edits) expect(parseInstruction(formatInstruction(edit))).toEqual(edit);
  });

  it("writes the examples of the issue", () => {
    expect(edits.map(formatInstruction)).toEqual([
      "move the red cup to the left of the laptop",
      "bring the lamp in front of the chair",
      "move the leftmost cup on top of the teddy bear",
      "add a small dog next to the laptop".replace("laptop", "bench"),
      "add an apple",
      "remove the extra cat",
      "make the car blue",
    ]);
  });

  it("understands paraphrases", () => {
    expect(parseInstruction("Please place the cat on the left side of the sofa.")).toMatchObject({ kind: "move", relation: "left", anchor: { label: "sofa" } });
    expect(parseInstruction("Put the dog so it is on top of the bench")).toMatchObject({ kind: "move", relation: "on" });
    expect(parseInstruction("change the colour of the car to red")).toEqual({ kind: "recolour", subject: { label: "car" }, colour: "red" });
    expect(parseInstruction("get rid of the umbrella")).toEqual({ kind: "remove", subject: { label: "umbrella" } });
    expect(parseInstruction("insert a blue bird above the tree")).toMatchObject({ kind: "add", subject: { label: "bird", colour: "blue" }, relation: "above" });
  });

  it("joins several colour fixes into one instruction that splits back into clauses", () => {
    const batch = formatInstruction({
      kind: "batch",
      edits: [
        { kind: "recolour", subject: { label: "boat", colour: "blue" }, colour: "white" },
        { kind: "recolour", subject: { label: "bird", colour: "purple" }, colour: "natural" },
      ],
    });
    expect(batch).toBe("make the blue boat white, and make the purple bird its natural colour");
    expect(splitInstruction(batch).map(parseInstruction)).toEqual([
      { kind: "recolour", subject: { label: "boat", colour: "blue" }, colour: "white" },
      { kind: "recolour", subject: { label: "bird", colour: "purple" }, colour: "natural" },
    ]);
    expect(splitInstruction("add a cup and saucer next to the plate")).toHaveLength(1);
    expect(splitInstruction("remove the cat; move the dog to the left of the bench")).toHaveLength(2);
  });

  it("carries the picture's caption ahead of the edit and reads it back", () => {
    const text = withSceneContext("move the cup to the left of the laptop", ["cup", "laptop", "apple", "cup", "teddy bear"]);
    expect(text).toBe("In a picture of a cup, a laptop, an apple and a teddy bear: move the cup to the left of the laptop");
    expect(splitSceneContext(text)).toEqual({ labels: ["cup", "laptop", "apple", "teddy bear"], instruction: "move the cup to the left of the laptop" });
    expect(splitSceneContext("remove the cat")).toEqual({ labels: [], instruction: "remove the cat" });
  });

  it("reports what it cannot follow", () => {
    expect(() => parseInstruction("")).toThrow(InstructionParseError);
    expect(() => parseInstruction("move the cup over there")).toThrow(/no place to move to/);
    expect(() => parseInstruction("dance with the cup")).toThrow(/unknown action "dance"/);
    expect(() => parseInstruction("make the car sparkle")).toThrow(/no colour/);
  });
});
