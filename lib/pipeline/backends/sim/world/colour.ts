import { colourNames, colourRgb, type ColourName } from "../../../scene-graph/vocabulary";

/**
 * Colour in the embedded world.
 *
 * `recolourRgb` turns a sprite pixel into a vocabulary colour while keeping its shading: the
 * output luminance is an affine function of the input luminance that depends only on the colour
 * (`luminanceMap`): identity for light colours (orange, yellow, pink) and gray, compressed for
 * deep colours (red, green, blue, purple, brown), dark for black and light for white. A detector can therefore match shapes on luminance whatever the colour.
 *
 * `dominantColour` names the colour a person would name for a set of RGBA pixels (recoloured or
 * natural sprite): a vote over opaque pixels by hue bin, with low-chroma pixels voting
 * black/gray/white by lightness.
 *
 * Exports: luminance, luminanceMap, LuminanceMap, recolourRgb, recolourSprite, pixelColourName,
 * dominantColour, colourNames (re-export).
 */

export { colourNames, type ColourName };

/** Rec. 601 luma, 0..255 float. Used everywhere (renderer and detector) so they agree exactly. */
export function luminance(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/** L' = scale * L + offset: how a colour changes a sprite's luminance. */
export interface LuminanceMap {
  readonly scale: number;
  readonly offset: number;
}

const identity: LuminanceMap = { scale: 1, offset: 0 };
const deepMap: LuminanceMap = { scale: 0.55, offset: 25 };
const darkMap: LuminanceMap = { scale: 0.3, offset: 0 };
const lightMap: LuminanceMap = { scale: 1 / 3, offset: 170 };

/** The distinct luminance maps any colour can apply (identity first). */
export const luminanceMaps: readonly LuminanceMap[] = [identity, deepMap, darkMap, lightMap];

/** Deep colours (dark by nature) compress the sprite's luminance so the body reads e.g. red, not pink. */
const deepColours: ReadonlySet<ColourName> = new Set(["red", "green", "blue", "purple", "brown"]);

export function luminanceMap(colour: ColourName | undefined): LuminanceMap {
  if (colour === "black") return darkMap;
  if (colour === "white") return lightMap;
  if (colour && deepColours.has(colour)) return deepMap;
  return identity;
}

const chromaDirection = Object.fromEntries(
  colourNames.map((name) => {
    const [r, g, b] = colourRgb[name];
    const l = luminance(r, g, b);
    return [name, [r - l, g - l, b - l]];
  }),
) as Record<ColourName, [number, number, number]>;

/**
 * Recolour one pixel: L' = luminanceMap(colour)(L), then add as much of the colour's chroma
 * (its RGB minus its own luminance, a zero-luminance direction) as fits in gamut. Output
 * luminance is exactly L' and the hue is the colour's. Black, white and gray stay neutral.
 */
export function recolourRgb(r: number, g: number, b: number, colour: ColourName, out: number[] | Uint8ClampedArray, at = 0): void {
  const map = luminanceMap(colour);
  const l = luminance(r, g, b) * map.scale + map.offset;
  if (colour === "black" || colour === "white" || colour === "gray") {
    out[at] = l;
    out[at + 1] = l;
    out[at + 2] = l;
    return;
  }
  const direction = chromaDirection[colour];
  let s = 1;
  for (const d of direction) {
    if (d > 0) s = Math.min(s, (255 - l) / d);
    else if (d < 0) s = Math.min(s, l / -d);
  }
  out[at] = l + s * direction[0];
  out[at + 1] = l + s * direction[1];
  out[at + 2] = l + s * direction[2];
}

/** Recolour an RGBA buffer in place (alpha untouched). */
export function recolourSprite(rgba: Uint8ClampedArray, colour: ColourName): void {
  const tmp = [0, 0, 0];
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i + 3] === 0) continue;
    recolourRgb(rgba[i]!, rgba[i + 1]!, rgba[i + 2]!, colour, tmp);
    rgba[i] = tmp[0]!;
    rgba[i + 1] = tmp[1]!;
    rgba[i + 2] = tmp[2]!;
  }
}

/** The vocabulary colour name of a single pixel, by hue, chroma and lightness. */
export function pixelColourName(r: number, g: number, b: number): ColourName {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const chroma = max - min;
  if (chroma < 28 || (max > 0 && chroma / max < 0.16)) {
    if (max < 70) return "black";
    if (min > 200) return "white";
    return "gray";
  }
  let hue: number;
  if (max === r) hue = (((g - b) / chroma) % 6 + 6) % 6;
  else if (max === g) hue = (b - r) / chroma + 2;
  else hue = (r - g) / chroma + 4;
  hue *= 60;
  if (hue < 12 || hue >= 340) return max < 90 ? "brown" : "red";
  if (hue < 42) return max < 175 ? "brown" : "orange";
  if (hue < 68) return max < 120 ? "brown" : "yellow";
  if (hue < 165) return "green";
  if (hue < 255) return "blue";
  if (hue < 290) return "purple";
  return "pink";
}

/**
 * What colour a person would name these pixels (RGBA; pixels with alpha < 128 are ignored).
 * Chromatic pixels count 1.5x against achromatic ones, so highlights and dark shading do not
 * outvote the body colour; with no opaque pixels the answer is "gray".
 */
export function dominantColour(rgba: Uint8ClampedArray): ColourName {
  const votes = new Map<ColourName, number>();
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i + 3]! < 128) continue;
    const name = pixelColourName(rgba[i]!, rgba[i + 1]!, rgba[i + 2]!);
    const weight = name === "black" || name === "white" || name === "gray" ? 1 : 1.5;
    votes.set(name, (votes.get(name) ?? 0) + weight);
  }
  let best: ColourName = "gray";
  let bestVotes = 0;
  for (const [name, count] of votes) {
    if (count > bestVotes) {
      best = name;
      bestVotes = count;
    }
  }
  return best;
}
