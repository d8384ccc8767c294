/**
 * The local detector as Judge on a real photograph (opencv-doc's messi5.jpg: a footballer with the
 * ball low at his right foot; run scripts/test-photos.sh first), with the real COCO-SSD model.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RasterImage } from "../../image/raster";
import { RoleError } from "../../roles/errors";
import { parseConfig } from "../config";
import { resolveProfile } from "../registry";
import { createLocalDetectorJudge, LocalDetectorJudge } from "./index";
import { loadDetector } from "./model";
import { loadPhoto } from "./test-photos";

let messi: RasterImage;
const judge = createLocalDetectorJudge({});
const call = { seed: 1 };

beforeAll(async () => {
  messi = await loadPhoto("messi5.jpg");
  await loadDetector();
});

describe("the local detector Judge", () => {
  it("gives full marks when the prompt's objects are there and its relation holds", async () => {
    const judged = await judge.judge(messi, "a sports ball below a person", call);
    expect(judged).toMatchObject({ score: 10, rationale: "2/2 objects as asked, 1/1 relations hold." });
  });

  it("scores the objects but not a relation the photograph contradicts, and says which", async () => {
    const judged = await judge.judge(messi, "a sports ball above a person", call);
    // 1 + 9 * (0.3 * 2/2 + 0.7 * 0/1)
    expect(judged).toMatchObject({ score: 3.7, rationale: "2/2 objects as asked, 0/1 relations hold; not above: sports ball / person." });
  });

  it("counts an object that is not there and reports a non-COCO label as a warning", async () => {
    const judged = await judge.judge(messi, "a dog left of a person", call);
    // 1 + 9 * (0.3 * 1/2 + 0.7 * 0/1) = 2.35, which is 2.3499... in floating point
    expect(judged.score).toBe(2.3);
    expect(judged.rationale).toBe("1/2 objects as asked, 0/1 relations hold; no dog; not left of: dog / person.");
    const unsupported = await judge.judge(messi, "a footballer above a lawnmower", call);
    expect(unsupported.score).toBe(1);
    expect(unsupported.warnings.join("\n")).toMatch(/only the 80 COCO classes; "footballer", "lawnmower" cannot be detected/);
  });

  it("fails clearly on a prompt it cannot read and on an aborted call", async () => {
    await expect(judge.judge(messi, "", call)).rejects.toMatchObject({ role: "judge", code: "invalid_input" });
    const controller = new AbortController();
    controller.abort();
    const aborted = await judge.judge(messi, "a sports ball below a person", { ...call, signal: controller.signal }).catch((error: unknown) => error);
    expect(aborted).toBeInstanceOf(RoleError);
    expect(aborted).toMatchObject({ role: "judge", code: "aborted" });
  });

  it("serves the judge of a profile", () => {
    const config = parseConfig({ profiles: { photo: { roles: { checker: { backend: "local-detector" }, judge: { backend: "local-detector", options: { minScore: 0.4 } } } } } });
    const resolved = resolveProfile(config, "photo", { env: {} });
    expect(resolved.roles.judge).toBeInstanceOf(LocalDetectorJudge);
    expect(resolved.backends.judge).toBe("local-detector");
    expect(resolved.capabilities.judge.roles).toContain("judge");
  });
});
