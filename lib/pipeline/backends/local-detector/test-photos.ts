/**
 * Real photographs for the local detector's tests, from Debian's opencv-doc package (installed at
 * test time by scripts/test-photos.sh; never committed). Test-only.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { decodeImage } from "../../image/png";
import type { RasterImage } from "../../image/raster";

export const PHOTO_DIR = "/usr/share/doc/opencv-doc/examples/data";

/**
 * What is in them (looked at by a person):
 * - messi5.jpg (548x342): a footballer in mid-kick, centre-left, with the ball low at his right foot
 *   (right of and below his body's centre), a blurred crowd behind.
 * - basketball1.png (640x480, grey): two men throwing a basketball, one at the left edge, one at
 *   the right edge.
 */
export type PhotoName = "messi5.jpg" | "basketball1.png";

export async function loadPhoto(name: PhotoName): Promise<RasterImage> {
  const file = path.join(PHOTO_DIR, name);
  if (!existsSync(file)) {
    throw new Error(`test photo ${file} is missing: run \`bash scripts/test-photos.sh\` (installs Debian's opencv-doc sample images)`);
  }
  return decodeImage(await readFile(file));
}
