import type { RasterImage } from "../../image/raster";
import { RoleError, throwIfAborted } from "../../roles/errors";
import type { CheckResult, Checker, RoleCallOptions, RoleResult } from "../../roles/types";
import type { SceneGraph } from "../../scene-graph/schema";
import { loadDetector, type LoadedDetector } from "./model";
import type { LocalDetectorOptions } from "./options";
import { sceneFromDetections } from "./scene-from-boxes";

/**
 * The local detector Checker: a pretrained COCO object detector (COCO-SSD, SSDLite-MobileNetV2)
 * run in this process on the CPU, the way GenEval and T2I-CompBench check spatial relations.
 * The model loads on the first check (once per process, shared) and then takes ~100 ms an image.
 * A detection cannot be interrupted once it runs (~100 ms); `signal` is honoured before it starts
 * (also while it waits for its turn behind other checks) and after it.
 */
export class LocalDetectorChecker implements Checker {
  readonly name = "local-detector";

  constructor(
    private readonly options: LocalDetectorOptions,
    /** Injectable for tests; default the process-wide shared model. */
    private readonly load: () => Promise<LoadedDetector> = () => loadDetector(options.modelDir),
  ) {}

  async check(image: RasterImage, target: SceneGraph, options: RoleCallOptions): Promise<RoleResult & CheckResult> {
    throwIfAborted("checker", options.signal);
    assertValidImage(image);
    let detector: LoadedDetector;
    try {
      detector = await this.load();
    } catch (error) {
      throw new RoleError("checker", "backend_unavailable", `the local detector's model did not load: ${(error as Error).message}`, false, { cause: error });
    }
    throwIfAborted("checker", options.signal);
    const detections = await detector.detect(image, { maxBoxes: this.options.maxBoxes, minScore: this.options.minScore }, options.signal);
    throwIfAborted("checker", options.signal);
    return sceneFromDetections(target, detections);
  }
}

function assertValidImage(image: RasterImage): void {
  const { width, height, data } = image ?? {};
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RoleError("checker", "invalid_input", `the image has no pixels (${String(width)}x${String(height)})`);
  }
  if (!(data instanceof Uint8ClampedArray) || data.length !== width * height * 4) {
    throw new RoleError("checker", "invalid_input", `the image's pixel data does not hold ${width}x${height} RGBA pixels`);
  }
}
