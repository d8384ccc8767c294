/**
 * Benchmark of the local detector Checker's model (COCO-SSD on tfjs wasm, in this process): loads
 * the model once, then detects on N real photographs (Debian's opencv-doc samples, see
 * scripts/test-photos.sh) resized to 512x512, after one untimed warm-up detection. Prints the load
 * time, the process RSS after loading and at the end, and the median / p90 / max ms per image.
 * Usage: npm run bench:local-detector -- [images=30]
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { loadDetector } from "../lib/pipeline/backends/local-detector/model";
import { PHOTO_DIR } from "../lib/pipeline/backends/local-detector/test-photos";
import type { RasterImage } from "../lib/pipeline/image/raster";

const SIZE = 512;

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

const megabytes = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

async function photos(count: number): Promise<{ name: string; image: RasterImage }[]> {
  let names: string[];
  try {
    names = (await readdir(PHOTO_DIR)).filter((name) => /\.(jpe?g|png)$/i.test(name)).sort();
  } catch {
    throw new Error(`no photographs in ${PHOTO_DIR}: run \`bash scripts/test-photos.sh\` first`);
  }
  const images: { name: string; image: RasterImage }[] = [];
  for (const name of names) {
    if (images.length === count) break;
    try {
      const { data, info } = await sharp(path.join(PHOTO_DIR, name)).resize(SIZE, SIZE, { fit: "fill" }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      images.push({ name, image: { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) } });
    } catch {
      // not a picture sharp can read; skip it
    }
  }
  return images;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 30);
  const images = await photos(count);
  const rssBefore = process.memoryUsage().rss;
  const detector = await loadDetector();
  const rssLoaded = process.memoryUsage().rss;
  await detector.detect(images[0]!.image, { maxBoxes: 20, minScore: 0.5 });
  const times: number[] = [];
  let boxes = 0;
  for (const { image } of images) {
    const started = performance.now();
    boxes += (await detector.detect(image, { maxBoxes: 20, minScore: 0.5 })).length;
    times.push(performance.now() - started);
  }
  const rssEnd = process.memoryUsage().rss;
  console.log(`local detector: COCO-SSD (SSDLite-MobileNetV2) on tfjs ${detector.backend}, model from ${detector.modelDir}`);
  console.log(`model load: ${Math.round(detector.loadMs)} ms; RSS ${megabytes(rssBefore)} before, ${megabytes(rssLoaded)} after loading, ${megabytes(rssEnd)} at the end`);
  console.log(`${images.length} photographs at ${SIZE}x${SIZE} (${boxes} boxes with score >= 0.5):`);
  console.log(`  per image: median ${percentile(times, 0.5).toFixed(1)} ms, p90 ${percentile(times, 0.9).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
