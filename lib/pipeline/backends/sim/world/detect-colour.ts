import type { RasterImage } from "../../../image/raster";
import type { ColourName } from "../../../scene-graph/vocabulary";
import { colourNames, luminanceMap, luminanceMaps, recolourRgb } from "./colour";
import type { Hypothesis, Scene } from "./detect-score";
import { mipFor } from "./sprite-library";
import { expectedLuminance, spriteTemplate } from "./templates";

/**
 * Colour of a detection: if the pixels equal the sprite's own colours, the sprite's natural
 * colour name; otherwise the vocabulary colour (among those sharing the detected luminance map)
 * whose recolouring reproduces them best.
 *
 * Exports: nameColour.
 */

const colourMapIndex = (colour: ColourName): number => luminanceMaps.indexOf(luminanceMap(colour));

export function nameColour(image: RasterImage, scene: Scene, hypothesis: Hypothesis): ColourName {
  const sprite = scene.library.spriteByKey(hypothesis.key);
  const tpl = spriteTemplate(scene.library, hypothesis.key);
  const level = mipFor(sprite, hypothesis.height);
  const map = luminanceMaps[hypothesis.map]!;
  const colours = colourNames.filter((colour) => colourMapIndex(colour) === hypothesis.map);
  const errors = new Float64Array(colours.length);
  let natural = 0;
  let used = 0;
  const rgb = [0, 0, 0];
  const out = [0, 0, 0];
  const { width: W, height: H } = scene.analysis;
  for (let k = 0; k < tpl.u.length; k++) {
    const i = Math.floor(tpl.u[k]! * hypothesis.width);
    const j = Math.floor(tpl.v[k]! * hypothesis.height);
    const x = hypothesis.left + i;
    const y = hypothesis.top + j;
    if (x < 0 || y < 0 || x >= W || y >= H) continue;
    const e = expectedLuminance(sprite, hypothesis.width, hypothesis.height, i, j);
    if (Number.isNaN(e)) continue;
    const p = y * W + x;
    if (Math.abs(scene.analysis.lum[p]! - (map.scale * e + map.offset)) > 3.5) continue;
    sampleRgb(level, (i + 0.5) * (level.width / hypothesis.width) - 0.5, (j + 0.5) * (level.height / hypothesis.height) - 0.5, rgb);
    const r = image.data[p * 4]!;
    const g = image.data[p * 4 + 1]!;
    const b = image.data[p * 4 + 2]!;
    natural += Math.abs(rgb[0]! - r) + Math.abs(rgb[1]! - g) + Math.abs(rgb[2]! - b);
    for (let index = 0; index < colours.length; index++) {
      recolourRgb(rgb[0]!, rgb[1]!, rgb[2]!, colours[index]!, out);
      errors[index]! += Math.abs(out[0]! - r) + Math.abs(out[1]! - g) + Math.abs(out[2]! - b);
    }
    used++;
  }
  if (used === 0) return scene.library.naturalColour(hypothesis.key);
  let best = 0;
  for (let index = 1; index < colours.length; index++) if (errors[index]! < errors[best]!) best = index;
  if (hypothesis.map === 0 && natural <= errors[best]!) return scene.library.naturalColour(hypothesis.key);
  return colours[best] ?? scene.library.naturalColour(hypothesis.key);
}

function sampleRgb(level: { width: number; height: number; rgba: Uint8ClampedArray }, fx: number, fy: number, out: number[]): void {
  const x = Math.min(level.width - 1, Math.max(0, fx));
  const y = Math.min(level.height - 1, Math.max(0, fy));
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(level.width - 1, x0 + 1);
  const y1 = Math.min(level.height - 1, y0 + 1);
  const tx = x - x0;
  const ty = y - y0;
  for (let c = 0; c < 3; c++) {
    const a = level.rgba[(y0 * level.width + x0) * 4 + c]!;
    const b = level.rgba[(y0 * level.width + x1) * 4 + c]!;
    const d = level.rgba[(y1 * level.width + x0) * 4 + c]!;
    const e = level.rgba[(y1 * level.width + x1) * 4 + c]!;
    out[c] = Math.round((a * (1 - tx) + b * tx) * (1 - ty) + (d * (1 - tx) + e * tx) * ty);
  }
}
