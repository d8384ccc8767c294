/**
 * The local detector Checker on real photographs (Debian's opencv-doc samples; run
 * scripts/test-photos.sh first) with the real COCO-SSD model. The model loads once for this file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { centre, relationHolds } from "../../metrics/spatial-geometry";
import { RoleError } from "../../roles/errors";
import { checkResultSchema } from "../../roles/types";
import type { RasterImage } from "../../image/raster";
import type { SceneGraph } from "../../scene-graph/schema";
import { LocalDetectorChecker } from "./checker";
import { createLocalDetectorChecker } from "./index";
import { loadDetector, type RawDetection } from "./model";
import { parseLocalDetectorOptions } from "./options";
import { probeLocalDetector } from "./probe";
import { loadPhoto } from "./test-photos";

let messi: RasterImage;
let basketball: RasterImage;
const checker = createLocalDetectorChecker({});
const call = { seed: 1 };

beforeAll(async () => {
  [messi, basketball] = await Promise.all([loadPhoto("messi5.jpg"), loadPhoto("basketball1.png")]);
  await loadDetector();
});

const manAndBall = (predicate: string): SceneGraph => ({
  objects: [
    { id: "player", label: "man", attributes: [] },
    { id: "ball", label: "ball", attributes: [] },
  ],
  relations: [{ subject: "ball", predicate, object: "player" }],
});

async function rawDetections(image: RasterImage): Promise<RawDetection[]> {
  return (await loadDetector()).detect(image, { maxBoxes: 20, minScore: 0.5 });
}

describe("the COCO-SSD model on real photographs", () => {
  it("finds the footballer where he is, and the ball at his foot", async () => {
    const found = await rawDetections(messi);
    const person = found.find((detection) => detection.label === "person");
    const ball = found.find((detection) => detection.label === "sports ball");
    expect(person?.score).toBeGreaterThan(0.8);
    // A person looking at the photo puts him at x 0.1..0.8, y 0.2..0.8 (548x342 pixels).
    const body = centre(person!.box);
    expect(body.x).toBeGreaterThan(0.35);
    expect(body.x).toBeLessThan(0.55);
    expect(person!.box.width).toBeGreaterThan(0.5);
    expect(person!.box.height).toBeGreaterThan(0.5);
    // The ball: x ~0.61..0.70, y ~0.84..0.98.
    expect(ball).toBeDefined();
    expect(centre(ball!.box).x).toBeGreaterThan(0.6);
    expect(centre(ball!.box).x).toBeLessThan(0.72);
    expect(centre(ball!.box).y).toBeGreaterThan(0.8);
  });

  it("finds both men in the basketball photo, one at each side", async () => {
    const people = (await rawDetections(basketball)).filter((detection) => detection.label === "person");
    expect(people).toHaveLength(2);
    const xs = people.map((detection) => centre(detection.box).x).sort((a, b) => a - b);
    expect(xs[0]).toBeLessThan(0.3);
    expect(xs[1]).toBeGreaterThan(0.7);
  });

  it("skips a detection whose signal was aborted while it waited for its turn", async () => {
    const detector = await loadDetector();
    const waiting = new AbortController();
    const first = detector.detect(messi, { maxBoxes: 20, minScore: 0.5 });
    const second = detector.detect(messi, { maxBoxes: 20, minScore: 0.5 }, waiting.signal);
    waiting.abort();
    expect((await first).length).toBeGreaterThan(0);
    expect(await second).toEqual([]);
  });

  it("leaves no tensors behind", async () => {
    const tf = await import("@tensorflow/tfjs-core");
    await rawDetections(messi);
    const before = tf.memory().numTensors;
    for (let index = 0; index < 3; index += 1) await checker.check(messi, manAndBall("below"), call);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.getBackend()).toBe("wasm");
  });
});

describe("LocalDetectorChecker", () => {
  it("reads the relation between two detected objects as the shared geometry says", async () => {
    const result = await checker.check(messi, manAndBall("below"), call);
    expect(() => checkResultSchema.parse(result)).not.toThrow();
    const { critique, detected } = result;
    expect(critique.missingObjects).toEqual([]);
    const ballBox = critique.locations.ball!;
    const manBox = critique.locations.player!;
    const placement = (id: string) => ({ box: critique.locations[id]!, depth: critique.depths[id]! });
    // The ball is low at his right: "below" holds by GenEval's rule, "above" does not.
    expect(relationHolds("below", placement("ball"), placement("player"))).toBe(true);
    expect(critique.triples).toEqual([expect.objectContaining({ status: "satisfied", predicate: "below" })]);
    expect(detected.objects.map((object) => object.label).sort()).toEqual(["ball", "man"]);
    expect(centre(ballBox).y).toBeGreaterThan(centre(manBox).y);

    const wrong = await checker.check(messi, manAndBall("above"), call);
    expect(wrong.critique.triples[0]).toMatchObject({ status: "violated", observedPredicate: "below" });
    expect(wrong.detected.relations).toEqual([]);
    expect(wrong.critique.summary).toContain("Violated");
  });

  it("makes the triples of an object that is not in the photo missing", async () => {
    const target: SceneGraph = {
      objects: [
        { id: "player", label: "person", attributes: [] },
        { id: "dog", label: "dog", attributes: [] },
      ],
      relations: [{ subject: "dog", predicate: "left of", object: "player" }],
    };
    const { critique } = await checker.check(messi, target, call);
    expect(critique.missingObjects).toEqual(["dog"]);
    expect(critique.triples[0]!.status).toBe("missing");
    expect(critique.matches.player).toBeDefined();
  });

  it("reports a label outside COCO-80 as unsupported", async () => {
    const target: SceneGraph = {
      objects: [
        { id: "player", label: "footballer", attributes: [] },
        { id: "ball", label: "football", attributes: [] },
      ],
      relations: [{ subject: "ball", predicate: "near", object: "player" }],
    };
    const result = await checker.check(messi, target, call);
    expect(result.warnings.find((warning) => warning.includes('"footballer"'))).toMatch(/COCO/);
    expect(result.critique.missingObjects).toEqual(["player"]);
    expect(result.critique.matches.ball).toBeDefined();
    expect(result.critique.triples[0]!.status).toBe("missing");
  });

  it("counts two men left and right", async () => {
    const target: SceneGraph = {
      objects: [
        { id: "a", label: "man", attributes: [] },
        { id: "b", label: "man", attributes: [] },
      ],
      relations: [{ subject: "a", predicate: "left of", object: "b" }],
    };
    const { critique } = await checker.check(basketball, target, call);
    expect(critique.triples[0]!.status).toBe("satisfied");
    expect(centre(critique.locations.a!).x).toBeLessThan(centre(critique.locations.b!).x);
  });

  it("stops with RoleError aborted when the signal is aborted, before or during the call", async () => {
    const early = new AbortController();
    early.abort();
    await expect(checker.check(messi, manAndBall("below"), { seed: 1, signal: early.signal })).rejects.toMatchObject({ code: "aborted" });
    const during = new AbortController();
    const pending = checker.check(messi, manAndBall("below"), { seed: 1, signal: during.signal });
    during.abort();
    const error = await pending.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RoleError);
    expect(error).toMatchObject({ code: "aborted", role: "checker" });
  });

  it("rejects images without pixels as invalid_input", async () => {
    const bad = [
      { width: 0, height: 10, data: new Uint8ClampedArray(0) },
      { width: 4, height: 4, data: new Uint8ClampedArray(10) },
    ];
    for (const image of bad) {
      await expect(checker.check(image, manAndBall("below"), call)).rejects.toMatchObject({ code: "invalid_input" });
    }
  });

  it("reports a model folder without a model as backend_unavailable", async () => {
    const broken = new LocalDetectorChecker(parseLocalDetectorOptions({ modelDir: "/nonexistent/model" }));
    await expect(broken.check(messi, manAndBall("below"), call)).rejects.toMatchObject({
      code: "backend_unavailable",
      message: expect.stringContaining("/nonexistent/model/model.json"),
    });
  });
});

describe("probeLocalDetector", () => {
  it("loads the model and runs it once", async () => {
    const probe = await probeLocalDetector();
    expect(probe).toMatchObject({ ok: true, detail: expect.stringContaining("wasm") });
    if (probe.ok) expect(probe.latencyMs).toBeGreaterThan(0);
  });

  it("says what is missing", async () => {
    const probe = await probeLocalDetector({ modelDir: "/nonexistent/model" });
    expect(probe).toMatchObject({ ok: false, message: expect.stringContaining("no model file") });
    expect(await probeLocalDetector({ minScore: 7 })).toMatchObject({ ok: false, message: expect.stringContaining("minScore") });
  });
});
