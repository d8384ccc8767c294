import { describe, expect, it } from "vitest";
import { createSimRoles } from ".";
import { groundedAt } from "./layout";
import { SimOracleScorer } from "./scorer";
import { renderScene, type PlacedObject } from "./world/render";
import { decodeImage, encodePng } from "../../image/png";
import { createRaster } from "../../image/raster";
import { sceneGraphMetrics } from "../../metrics/scene-graph-iou";
import { RoleError } from "../../roles/errors";
import { parsePrompt } from "../../scene-graph/parse-prompt";

/**
 * The oracle Scorer grades from the world's record of what it drew. These tests build scenes
 * whose truth is known by construction and check the oracle reports exactly that, after
 * generation, after a PNG round trip, and after the Editor has painted on the image.
 */
const roles = createSimRoles();
const oracle = new SimOracleScorer(roles.library);
const groundY = 420;
const at = (label: string, centreX: number, y = groundY): PlacedObject => groundedAt({ label, sizeFactor: 1 }, centreX, y, roles.style);

async function scene(objects: PlacedObject[]) {
  return (await renderScene({ style: roles.style, objects }, roles.library)).image;
}

const labels = (graph: { objects: { label: string }[] }) => graph.objects.map((object) => object.label).sort();

describe("SimOracleScorer", () => {
  it("reports the relations the world drew, and none it did not", async () => {
    const image = await scene([at("dog", 130), at("cat", 380)]);
    const holds = await oracle.check(image, parsePrompt("a cat right of a dog"), { seed: 1 });
    expect(labels(holds.detected)).toEqual(["cat", "dog"]);
    expect(holds.detected.relations).toHaveLength(1);
    expect(sceneGraphMetrics(parsePrompt("a cat right of a dog"), holds.detected).sgIoU).toBe(1);

    const violated = await oracle.check(image, parsePrompt("a cat left of a dog"), { seed: 1 });
    expect(violated.detected.relations).toEqual([]);
    expect(violated.critique.triples.map((triple) => triple.status)).not.toContain("satisfied");
  });

  it("reads the same truth back after the image went through PNG storage", async () => {
    const image = await scene([at("cup", 150), at("laptop", 360)]);
    const stored = await decodeImage(await encodePng(image));
    const target = parsePrompt("a cup left of a laptop");
    expect((await oracle.check(stored, target, { seed: 1 })).detected).toEqual((await oracle.check(image, target, { seed: 1 })).detected);
  });

  it("does not count an object hidden behind a nearer one", async () => {
    // A small cup far back, straight behind a big bear standing in front of it.
    const cup = groundedAt({ label: "cup", sizeFactor: 0.5 }, 256, 330, roles.style);
    const bear = groundedAt({ label: "teddy bear", sizeFactor: 2 }, 256, 500, roles.style);
    const image = await scene([cup, bear]);
    const read = await oracle.check(image, parsePrompt("a cup behind a teddy bear"), { seed: 1 });
    expect(labels(read.detected)).toEqual(["teddy bear"]);
  });

  it("follows the Editor's brush: a moved object is seen where it was moved to, a removed one is gone", async () => {
    const image = await scene([at("dog", 380), at("cat", 130)]);
    const target = parsePrompt("a dog left of a cat");
    expect((await oracle.check(image, target, { seed: 1 })).detected.relations).toEqual([]);

    const moved = await roles.editor.edit(image, "In a picture of a dog and a cat: move the dog to the left of the cat", { seed: 3 });
    expect(moved.warnings.filter((warning) => warning.includes("unchanged"))).toEqual([]);
    const afterMove = await oracle.check(moved.image, target, { seed: 1 });
    expect(labels(afterMove.detected)).toEqual(["cat", "dog"]);
    expect(sceneGraphMetrics(target, afterMove.detected).sgIoU).toBe(1);

    const removed = await roles.editor.edit(moved.image, "In a picture of a dog and a cat: remove the cat", { seed: 4 });
    expect(labels((await oracle.check(removed.image, target, { seed: 1 })).detected)).toEqual(["dog"]);
  });

  it("refuses an image the world did not draw, saying why", async () => {
    const foreign = createRaster(64, 64);
    foreign.data.fill(200);
    const failure = await oracle.check(foreign, parsePrompt("a cat right of a dog"), { seed: 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RoleError);
    expect((failure as RoleError).message).toMatch(/only grade images the embedded world drew/);
  });
});
