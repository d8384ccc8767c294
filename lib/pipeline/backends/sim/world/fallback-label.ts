import { createRequire } from "node:module";
import path from "node:path";
import { createCanvas, GlobalFonts } from "@napi-rs/canvas";

/**
 * A label with no sprite is drawn as the generic "package" sprite with its name printed on the
 * front, so a person looking at the image still sees what it was meant to be. The font ships with
 * the project (Inter, SIL Open Font License, npm @expo-google-fonts/inter) so every machine draws
 * the same pixels.
 */
// Resolved from the working directory, not this file: a bundler (Next) must not try to bundle the font.
const require = createRequire(path.join(process.cwd(), "package.json"));
let fontFamily: string | undefined;

function labelFont(): string {
  if (!fontFamily) {
    GlobalFonts.registerFromPath(require.resolve("@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf"), "RigLabel");
    fontFamily = "RigLabel";
  }
  return fontFamily;
}

/** Returns a copy of the sprite's RGBA pixels with `label` printed across its lower middle. */
export function printLabel(pixels: Uint8ClampedArray, width: number, height: number, label: string): Uint8ClampedArray {
  const canvas = createCanvas(width, height);
  const context = canvas.getContext("2d");
  const image = context.createImageData(width, height);
  image.data.set(pixels);
  context.putImageData(image, 0, 0);
  const size = Math.max(7, Math.round(height / 7));
  context.font = `${size}px ${labelFont()}`;
  context.textAlign = "center";
  context.textBaseline = "middle";
  context.fillStyle = "rgb(40, 24, 8)";
  context.fillText(label, width / 2, height * 0.62, width * 0.8);
  return new Uint8ClampedArray(context.getImageData(0, 0, width, height).data);
}
