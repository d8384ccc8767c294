import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeImage, encodePng } from "../../../image/png";
import { dominantColour, luminance, recolourSprite } from "./colour";
import { detectObjects } from "./detect";
import { emptyTally, tallyScene } from "./evaluate-detections";
import { randomScene } from "./random-scenes";
import { objectBox, renderScene, type SceneLayout } from "./render";
import { defaultSpriteLibrary, FALLBACK_KEY } from "./sprite-library";
import { defaultWorldStyle, depthOfGroundY, perspectiveHeight } from "./world";

const library = defaultSpriteLibrary();
const style = defaultWorldStyle;

describe("world laws", () => {
  it("maps the image bottom to depth 0 and the horizon to depth 1, with 55-190 px heights", () => {
    expect(depthOfGroundY(512, style)).toBe(0);
    expect(depthOfGroundY(style.horizon * 512, style)).toBeCloseTo(1, 2);
    expect(perspectiveHeight(512, 1, style)).toBeCloseTo(190, 0);
    expect(perspectiveHeight(179.2, 1, style)).toBeCloseTo(55, 0);
  });
});

describe("sprite library", () => {
  it("resolves every GenEval class and the T2I-CompBench nouns without the fallback", () => {
    const classes = new Set<string>();
    for (const line of readFileSync("/work/shared/datasets/geneval/evaluation_metadata.jsonl", "utf8").split("\n")) {
      if (!line.trim()) continue;
      for (const include of (JSON.parse(line) as { include: { class: string }[] }).include) classes.add(include.class);
    }
    const unresolved = [...classes].filter((label) => library.resolve(label).warnings.length > 0);
    expect(unresolved).toEqual([]);
    for (const noun of ["girl", "frog", "mouse", "key", "desk", "lamp", "bee", "balloon", "trees", "cups", "mountains", "river", "snow", "sofa"]) {
      expect(library.resolve(noun).warnings, noun).toEqual([]);
    }
    expect(library.resolve("trees").key).toBe(library.resolve("tree").key);
    expect(library.resolve("mice").key).toBe(library.resolve("mouse").key);
  });

  it("falls back to a package sprite with a warning naming the label", () => {
    const resolution = library.resolve("xyzzy-thing");
    expect(resolution.key).toBe(FALLBACK_KEY);
    expect(resolution.warnings[0]).toContain("xyzzy-thing");
  });
});

describe("colour", () => {
  it("keeps shading and names recoloured and natural sprites", async () => {
    await library.load(["dog", "apple"]);
    const dog = library.sprite("dog").mips[0]!;
    const blue = new Uint8ClampedArray(dog.rgba);
    recolourSprite(blue, "blue");
    expect(dominantColour(blue)).toBe("blue");
    for (const colour of ["red", "green", "yellow", "black", "white", "purple"] as const) {
      const pixels = new Uint8ClampedArray(dog.rgba);
      recolourSprite(pixels, colour);
      expect(dominantColour(pixels), colour).toBe(colour);
    }
    expect(dominantColour(library.sprite("apple").mips[0]!.rgba)).toBe("red");
    // Luminance order is kept (shading survives recolouring).
    const a = luminance(blue[0]!, blue[1]!, blue[2]!);
    expect(Number.isFinite(a)).toBe(true);
  });
});

describe("renderer", () => {
  const layout: SceneLayout = {
    style,
    objects: [
      { label: "dog", colour: "blue", centreX: 160, baseY: 470, height: 150, depth: depthOfGroundY(470, style), groundY: 470 },
      { label: "cup", centreX: 330, baseY: 330, height: 80, depth: depthOfGroundY(330, style), groundY: 330 },
      { label: "apple", centreX: 335, baseY: 258, height: 50, depth: depthOfGroundY(330, style), groundY: 330 },
    ],
  };

  it("is deterministic and reports boxes objectBox predicts", async () => {
    const first = await renderScene(layout, library);
    const second = await renderScene(layout, library);
    expect(Buffer.from(first.image.data).equals(Buffer.from(second.image.data))).toBe(true);
    layout.objects.forEach((object, index) => expect(first.truth[index]!.box).toEqual(objectBox(object, library, style)));
    expect(first.truth.every((truth) => truth.visibleFraction > 0.9)).toBe(true);
  });
});

describe("detector", () => {
  it("gives identical detections on an image round-tripped through PNG", async () => {
    const scene = await randomScene(11, library, style);
    const decoded = await decodeImage(await encodePng(scene.render.image));
    const direct = detectObjects(scene.render.image, scene.candidates, library, style);
    const viaPng = detectObjects(decoded, scene.candidates, library, style);
    expect(viaPng).toEqual(direct);
    expect(direct.length).toBe(scene.render.truth.length);
  });

  it("identifies objects, relations and colours on random occluded, recoloured scenes", async () => {
    const tally = emptyTally();
    for (let seed = 1000; seed < 1080; seed++) {
      const scene = await randomScene(seed, library, style);
      tallyScene(tally, seed, scene, detectObjects(scene.render.image, scene.candidates, library, style));
    }
    const identification = tally.identified / tally.objects;
    const relations = tally.relationsAgreeing / tally.relations;
    const colours = tally.recolouredNamed / tally.recoloured;
    expect(identification, tally.failures.slice(0, 10).join("\n")).toBeGreaterThanOrEqual(0.97);
    expect(relations, tally.failures.slice(0, 10).join("\n")).toBeGreaterThanOrEqual(0.98);
    expect(colours).toBeGreaterThanOrEqual(0.97);
    expect(tally.spurious / tally.objects).toBeLessThan(0.05);
  }, 120_000);
});
