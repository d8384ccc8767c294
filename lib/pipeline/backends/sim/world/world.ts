/**
 * The constant laws of the embedded CPU world: image size, sky/ground palette, horizon and the
 * perspective law that ties where an object stands to how far away it is and how big it looks.
 *
 * Everything here is "knowledge of the world", shared by the renderer (what the simulated
 * diffusion model draws) and the detector (what the simulated VLM Checker knows about how such
 * pictures look). None of it is per-image state.
 *
 * Exports: WorldStyle, defaultWorldStyle, worldStyle(overrides), horizonY, depthOfGroundY,
 * groundYOfDepth, perspectiveHeight, backgroundPixels (cached RGBA background, no shadows),
 * backgroundRowColour, SHADOW_MIN_FACTOR.
 */

export type Rgb = readonly [number, number, number];

export interface WorldStyle {
  readonly width: number;
  readonly height: number;
  /** Horizon position as a fraction of the image height from the top. */
  readonly horizon: number;
  readonly skyTop: Rgb;
  readonly skyHorizon: Rgb;
  readonly groundHorizon: Rgb;
  readonly groundBottom: Rgb;
  /** Drawn height (fraction of image height) of a size-1 object standing at the image bottom / at the horizon. */
  readonly nearHeight: number;
  readonly farHeight: number;
  /** Darkest multiplicative factor at the centre of one contact shadow. */
  readonly shadowStrength: number;
}

export const defaultWorldStyle: WorldStyle = {
  width: 512,
  height: 512,
  horizon: 0.35,
  skyTop: [112, 164, 228],
  skyHorizon: [204, 224, 244],
  groundHorizon: [184, 194, 160],
  groundBottom: [138, 154, 112],
  nearHeight: 190 / 512,
  farHeight: 55 / 512,
  shadowStrength: 0.32,
};

export function worldStyle(overrides: Partial<WorldStyle> = {}): WorldStyle {
  return { ...defaultWorldStyle, ...overrides };
}

/** Shadows never darken the ground below this factor, however many overlap (detector relies on it). */
export const SHADOW_MIN_FACTOR = 0.45;

/** Pixel row of the horizon (first ground row). */
export function horizonY(style: WorldStyle): number {
  return Math.round(style.height * style.horizon);
}

/** 0 for a ground contact at the image bottom (nearest) .. 1 at the horizon (farthest); clamped. */
export function depthOfGroundY(groundY: number, style: WorldStyle = defaultWorldStyle): number {
  const horizon = horizonY(style);
  const depth = (style.height - groundY) / (style.height - horizon);
  return Math.min(1, Math.max(0, depth));
}

/** Inverse of depthOfGroundY. */
export function groundYOfDepth(depth: number, style: WorldStyle = defaultWorldStyle): number {
  const horizon = horizonY(style);
  return style.height - depth * (style.height - horizon);
}

/**
 * Drawn sprite height in px for an object whose ground contact is at `groundY`: linear in depth
 * from nearHeight (bottom) to farHeight (horizon), times the size factor (vocabulary sizeFactors).
 * At 512 px and factor 1 this is 190 px at the bottom and 55 px at the horizon.
 */
export function perspectiveHeight(groundY: number, sizeFactor = 1, style: WorldStyle = defaultWorldStyle): number {
  const depth = depthOfGroundY(groundY, style);
  const fraction = style.nearHeight + (style.farHeight - style.nearHeight) * depth;
  return fraction * style.height * sizeFactor;
}

function mix(a: Rgb, b: Rgb, t: number): [number, number, number] {
  return [Math.round(a[0] + (b[0] - a[0]) * t), Math.round(a[1] + (b[1] - a[1]) * t), Math.round(a[2] + (b[2] - a[2]) * t)];
}

/** Background colour of row y (sky gradient above the horizon, ground gradient below). */
export function backgroundRowColour(y: number, style: WorldStyle): [number, number, number] {
  const horizon = horizonY(style);
  if (y < horizon) return mix(style.skyTop, style.skyHorizon, horizon <= 1 ? 1 : y / (horizon - 1));
  const span = style.height - 1 - horizon;
  return mix(style.groundHorizon, style.groundBottom, span <= 0 ? 0 : (y - horizon) / span);
}

const backgroundCache = new Map<string, Uint8ClampedArray>();

/** The background without shadows, RGBA, cached per style; callers must copy before writing. */
export function backgroundPixels(style: WorldStyle): Uint8ClampedArray {
  const key = JSON.stringify(style);
  const cached = backgroundCache.get(key);
  if (cached) return cached;
  const data = new Uint8ClampedArray(style.width * style.height * 4);
  for (let y = 0; y < style.height; y++) {
    const [r, g, b] = backgroundRowColour(y, style);
    for (let x = 0, i = y * style.width * 4; x < style.width; x++, i += 4) {
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = 255;
    }
  }
  backgroundCache.set(key, data);
  return data;
}
