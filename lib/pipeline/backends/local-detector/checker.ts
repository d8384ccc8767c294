import type { RasterImage } from "../../image/raster";
import { RoleError, throwIfAborted, type RoleName } from "../../roles/errors";
import type { CheckResult, Checker, RoleCallOptions, RoleResult } from "../../roles/types";
import type { SceneGraph } from "../../scene-graph/schema";
import { loadDetector, type LoadedDetector, type RawDetection } from "./model";
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
    return sceneFromDetections(target, await detectFor("checker", image, this.options, this.load, options.signal));
  }
}

/** One detection for a role (Checker or Judge): a valid image, the model loaded, abort honoured. */
export async function detectFor(
  role: RoleName,
  image: RasterImage,
  options: LocalDetectorOptions,
  load: () => Promise<LoadedDetector>,
  signal: AbortSignal | undefined,
): Promise<RawDetection[]> {
  throwIfAborted(role, signal);
  assertValidImage(role, image);
  let detector: LoadedDetector;
  try {
    detector = await load();
  } catch (error) {
    throw new RoleError(role, "backend_unavailable", `the local detector's model did not load: ${(error as Error).message}`, false, { cause: error });
  }
  throwIfAborted(role, signal);
  const detections = await detector.detect(image, { maxBoxes: options.maxBoxes, minScore: options.minScore }, signal);
  throwIfAborted(role, signal);
  return detections;
}

function assertValidImage(role: RoleName, image: RasterImage): void {
  const { width, height, data } = image ?? {};
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RoleError(role, "invalid_input", `the image has no pixels (${String(width)}x${String(height)})`);
  }
  if (!(data instanceof Uint8ClampedArray) || data.length !== width * height * 4) {
    throw new RoleError(role, "invalid_input", `the image's pixel data does not hold ${width}x${height} RGBA pixels`);
  }
}
