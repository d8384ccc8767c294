import { readSceneGraph, type Sighting } from "./checker";
import { drawnObjectsOf } from "./world/ledger";
import type { SpriteLibrary } from "./world/sprite-library";
import type { RasterImage } from "../../image/raster";
import { RoleError, throwIfAborted } from "../../roles/errors";
import type { CheckResult, Checker, RoleCallOptions, RoleResult } from "../../roles/types";
import type { SceneGraph } from "../../scene-graph/schema";

/** Share of an object's opaque pixels that must show for the oracle to count it as in the picture. */
export const ORACLE_MIN_VISIBLE = 0.25;

/**
 * The embedded world's oracle Scorer: it grades an image from the world's own record of what it
 * drew there (world/ledger.ts: every object's true box, depth and colour, and how much of it
 * shows), not from pixels. It grades by the same LAION-SG protocol as the sim Checker
 * (`readSceneGraph`), so the gap between the two is exactly the Checker's misreadings: missed,
 * invented or misplaced objects, wrong colours, wrong depth order.
 *
 * It is a Scorer for evaluations and benchmarks, never a loop role: the loop must not see the truth.
 * It can only grade images this process's world drew (generated or edited); for any other image
 * it fails with a clear error rather than guess.
 */
export class SimOracleScorer implements Checker {
  readonly name = "sim-oracle";

  constructor(private readonly library: SpriteLibrary) {}

  async check(image: RasterImage, target: SceneGraph, options: RoleCallOptions): Promise<RoleResult & CheckResult> {
    throwIfAborted("scorer", options.signal);
    const drawn = drawnObjectsOf(image);
    if (!drawn) {
      throw new RoleError(
        "scorer",
        "invalid_input",
        "the oracle Scorer can only grade images the embedded world drew in this process (this one came from another back end, another process, or before a restart)",
      );
    }
    const visible = drawn.filter((object) => object.visibleFraction >= ORACLE_MIN_VISIBLE);
    await this.library.load(visible.map((object) => object.label));
    const sightings: Sighting[] = visible.map((object) => ({
      label: object.label,
      box: object.box,
      depth: object.depth,
      colour: object.colour ?? this.library.naturalColour(this.library.resolve(object.label).key),
    }));
    return readSceneGraph(target, sightings, this.library);
  }
}
