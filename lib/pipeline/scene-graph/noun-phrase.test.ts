import { describe, expect, it } from "vitest";
import { parseNounPhrase, singularise } from "./noun-phrase";
import { isAttributeWord } from "./vocabulary";

function phrase(text: string) {
  const result = parseNounPhrase(text.split(" "));
  if (!result.ok) throw new Error(result.reason);
  return result.phrase;
}

describe("singularise", () => {
  it("handles GenEval's plurals, including its regularised ones", () => {
    const cases: Array<[string, string]> = [
      ["clocks", "clock"],
      ["toothbrushs", "toothbrush"],
      ["toothbrushes", "toothbrush"],
      ["sandwichs", "sandwich"],
      ["benchs", "bench"],
      ["knifes", "knife"],
      ["knives", "knife"],
      ["sheeps", "sheep"],
      ["sheep", "sheep"],
      ["buses", "bus"],
      ["glasses", "glass"],
      ["tvs", "tv"],
      ["broccolis", "broccoli"],
      ["driers", "drier"],
      ["persons", "person"],
      ["people", "person"],
      ["oranges", "orange"],
      ["boxes", "box"],
      ["puppies", "puppy"],
      ["ties", "tie"],
      ["skis", "skis"],
      ["scissors", "scissors"],
      ["mice", "mouse"],
      ["cookies", "cookie"],
      ["glass", "glass"],
      ["constructor", "constructor"],
    ];
    for (const [plural, singular] of cases) expect([plural, singularise(plural)]).toEqual([plural, singular]);
  });
});

describe("parseNounPhrase", () => {
  it("splits count, attributes and label", () => {
    expect(phrase("two red cups")).toEqual({ count: 2, explicitCount: true, attributes: ["red"], label: "cup" });
    expect(phrase("a big fluffy wooden teddy bear")).toEqual({ count: 1, explicitCount: false, attributes: ["big", "fluffy", "wooden"], label: "teddy bear" });
    expect(phrase("4 hot dogs")).toEqual({ count: 4, explicitCount: true, attributes: [], label: "hot dog" });
    expect(phrase("a red coffee table")).toEqual({ count: 1, explicitCount: false, attributes: ["red"], label: "coffee table" });
    expect(phrase("an orange orange")).toEqual({ count: 1, explicitCount: false, attributes: ["orange"], label: "orange" });
    expect(phrase("trees")).toEqual({ count: 1, explicitCount: false, attributes: [], label: "trees" });
    expect(phrase("the grey cat").attributes).toEqual(["grey"]);
  });

  it("reports what it could not read", () => {
    expect(parseNounPhrase(["several", "cups"])).toEqual({
      ok: false,
      failure: "count",
      reason: 'cannot count "several" in "several cups"; write a number',
    });
    expect(parseNounPhrase(["0", "cups"])).toMatchObject({ ok: false, failure: "count", reason: 'count 0 in "0 cups" is outside 1..20' });
    expect(parseNounPhrase(["vibes", "of", "sunset"])).toMatchObject({ ok: false, failure: "word" });
    expect(parseNounPhrase(["a"])).toMatchObject({ ok: false, failure: "empty" });
    expect(parseNounPhrase([])).toMatchObject({ ok: false, failure: "empty" });
  });
});

describe("isAttributeWord", () => {
  it("knows colours, aliases, sizes and descriptive words, and not inherited property names", () => {
    for (const word of ["red", "Grey", "golden", "tiny", "tall", "wooden", "fluffy", "old", "metal", "plastic"]) {
      expect([word, isAttributeWord(word)]).toEqual([word, true]);
    }
    for (const word of ["teddy", "fire", "constructor", "toString", "__proto__", "cup"]) {
      expect([word, isAttributeWord(word)]).toEqual([word, false]);
    }
  });
});
