import { describe, expect, it } from "vitest";
import { detectObjects } from "./detect";
import { emptyPartialTally, emptyTally, tallyPartial, tallyScene } from "./evaluate-detections";
import { partialCandidates, randomScene } from "./random-scenes";
import { objectRect, renderScene, type PlacedObject } from "./render";
import { defaultSpriteLibrary } from "./sprite-library";
import { backgroundPixels, defaultWorldStyle, depthOfGroundY } from "./world";

const library = defaultSpriteLibrary();
const style = defaultWorldStyle;

function standing(label: string, centreX: number, baseY: number, height: number): PlacedObject {
  return { label, centreX, baseY, height, depth: depthOfGroundY(baseY, style), groundY: baseY };
}

/**
 * A scene whose `ghost` object has had its opaque pixels painted back to background, leaving only
 * its anti-aliased rim: what an Editor leaves behind when it moves an object and inpaints
 * imperfectly (seen with "a photo of a tv remote left of an umbrella", seed 1).
 */
async function sceneWithRim(objects: PlacedObject[], ghost: PlacedObject) {
  const render = await renderScene({ style, objects: [...objects, ghost] }, library);
  const rect = objectRect(ghost, library);
  const sprite = library.scaledSprite(library.resolve(ghost.label).key, rect.width, rect.height);
  const background = backgroundPixels(style);
  const data = render.image.data;
  for (let j = 0; j < rect.height; j++) {
    for (let i = 0; i < rect.width; i++) {
      if (sprite[(j * rect.width + i) * 4 + 3] !== 255) continue;
      const p = ((rect.top + j) * style.width + rect.left + i) * 4;
      for (let c = 0; c < 3; c++) data[p + c] = background[p + c]!;
    }
  }
  return render.image;
}

describe("detectObjects on editor leftovers", () => {
  it("does not crash, nor report an object, on the thin rim an imperfect inpaint leaves (tv remote)", async () => {
    await library.load(["tv remote", "umbrella", "cow"]);
    const objects = [standing("tv remote", 110, 390, 130), standing("umbrella", 300, 400, 150)];
    for (const [centreX, height] of [[430, 70], [200, 100], [400, 120]] as const) {
      const image = await sceneWithRim(objects, standing("tv remote", centreX, 280, height));
      for (const candidates of [["tv remote", "umbrella"], ["tv remote", "cow"]]) {
        const detections = detectObjects(image, candidates, library, style);
        expect(detections.filter((d) => d.label === "tv remote")).toHaveLength(1);
        // The rim is leftover edge pixels, not an object: reporting it would invent one. The
        // umbrella is a real object, reported as "object" when it is not among the candidates.
        expect(detections.filter((d) => d.label === "object")).toHaveLength(candidates.includes("umbrella") ? 0 : 1);
      }
    }
  });
});

describe("detectObjects on objects that are not candidates", () => {
  it("reports a cup as \"object\" next to a laptop when asked for giraffes and laptops, quickly", async () => {
    await library.load(["cup", "laptop", "giraffe"]);
    const render = await renderScene({ style, objects: [standing("cup", 150, 400, 120), standing("laptop", 350, 420, 130)] }, library);
    detectObjects(render.image, ["giraffe", "laptop"], library, style);
    const start = performance.now();
    const detections = detectObjects(render.image, ["giraffe", "laptop"], library, style);
    // Loose bound (it takes ~20 ms): this case used to take seconds.
    expect(performance.now() - start).toBeLessThan(1000);
    expect(detections.map((d) => d.label).sort()).toEqual(["laptop", "object"]);
  });
});

describe("detectObjects accuracy", () => {
  /**
   * 200 seeded random scenes (about 970 objects, 48,000 (pair, class) relation checks, 390
   * recoloured objects): at 99% identification a 200-scene sample puts the binomial standard
   * error near 0.3 points, so a real regression below the threshold shows up, while rendering
   * and detecting them takes about 10 s on this 2-core machine. Seeds 5001.. are disjoint from
   * scripts/bench-detector.ts's default 1..1000 so the test is not the benchmark it was tuned on.
   */
  it("identifies >= 99% of objects and agrees on >= 98% of relations over 200 random scenes", async () => {
    const tally = emptyTally();
    for (let seed = 5001; seed <= 5200; seed++) {
      const scene = await randomScene(seed, library, style);
      tallyScene(tally, seed, scene, detectObjects(scene.render.image, scene.candidates, library, style));
    }
    const failures = tally.failures.slice(0, 15).join("\n");
    expect(tally.objects).toBeGreaterThan(900);
    expect(tally.identified / tally.objects, failures).toBeGreaterThanOrEqual(0.99);
    expect(tally.relationsAgreeing / tally.relations, failures).toBeGreaterThanOrEqual(0.98);
    expect(tally.recolouredNamed / tally.recoloured, failures).toBeGreaterThanOrEqual(0.99);
    expect(tally.spurious / tally.objects, failures).toBeLessThan(0.01);
  }, 60_000);
});

describe("detectObjects with a partial vocabulary (as the sim Editor calls it)", () => {
  /**
   * The same 200 scenes, the detector given only 1-3 of each scene's labels (and sometimes an
   * absent look-alike): the other objects are foreground it has no label for, touching,
   * hiding or hidden by the candidates. About 420 given-label objects.
   */
  it("finds the given-label objects next to, in front of and behind unknown objects, without inventing them", async () => {
    const tally = emptyPartialTally();
    for (let seed = 5001; seed <= 5200; seed++) {
      const scene = await randomScene(seed, library, style);
      const candidates = partialCandidates(seed, scene);
      await library.load(candidates);
      tallyPartial(tally, seed, scene, candidates, detectObjects(scene.render.image, candidates, library, style));
    }
    const failures = tally.failures.slice(0, 15).join("\n");
    expect(tally.objects).toBeGreaterThan(350);
    // A floor, not the target (0.98): measured 0.93 on these seeds, 0.96 on the benchmark's seeds 1..300.
    expect(tally.found / tally.objects, failures).toBeGreaterThanOrEqual(0.92);
    expect(tally.spurious / tally.objects, failures).toBeLessThan(0.025);
  }, 60_000);
});
