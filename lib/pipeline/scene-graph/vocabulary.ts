/**
 * Attribute words the embedded world can show, shared by the text parser (to tell "red cup"
 * from "teddy bear"), the sim renderer (to recolour and scale), the sim Checker (to name the
 * colour it sees) and the sim Editor (to read "make the car blue").
 */
export const colourRgb = {
  red: [220, 38, 38],
  orange: [249, 115, 22],
  yellow: [234, 179, 8],
  green: [22, 163, 74],
  blue: [37, 99, 235],
  purple: [147, 51, 234],
  pink: [236, 72, 153],
  brown: [146, 84, 38],
  black: [30, 30, 30],
  white: [245, 245, 245],
  gray: [128, 128, 128],
} as const satisfies Record<string, readonly [number, number, number]>;
export type ColourName = keyof typeof colourRgb;
export const colourNames = Object.keys(colourRgb) as ColourName[];

const colourAliases: Record<string, ColourName> = { grey: "gray", violet: "purple", golden: "yellow", gold: "yellow" };

export function asColourName(word: string): ColourName | undefined {
  const lower = word.toLowerCase();
  if (Object.hasOwn(colourRgb, lower)) return lower as ColourName;
  return colourAliases[lower];
}

/** Size words scale an object's drawn size relative to its perspective size. */
export const sizeFactors = {
  tiny: 0.6,
  small: 0.75,
  little: 0.75,
  big: 1.3,
  large: 1.3,
  huge: 1.5,
  giant: 1.5,
  tall: 1.2,
} as const satisfies Record<string, number>;
export type SizeWord = keyof typeof sizeFactors;

export function sizeFactorOf(attributes: readonly string[]): number {
  let factor = 1;
  for (const attribute of attributes) {
    const value = (sizeFactors as Record<string, number>)[attribute.toLowerCase()];
    if (value !== undefined) factor = value;
  }
  return factor;
}

export function colourOf(attributes: readonly string[]): ColourName | undefined {
  for (const attribute of attributes) {
    const colour = asColourName(attribute);
    if (colour) return colour;
  }
  return undefined;
}

/**
 * Common non-colour, non-size attribute words the text parser recognises before a noun
 * ("a wooden table", "a fluffy dog"): materials, textures, states, ages and a few shapes, plus the
 * attributes of the published LAION-SG example record. A word not listed here and not a colour or
 * size word is read as part of the noun ("coffee table"), never silently dropped.
 */
export const descriptiveAttributes = [
  // materials
  "wooden", "metal", "metallic", "plastic", "glass", "stone", "ceramic", "leather", "paper", "cardboard",
  "cotton", "woolen", "woollen", "wool", "silk", "rubber", "steel", "iron", "brick", "concrete", "marble",
  "velvet", "denim", "furry", "fluffy", "feathery",
  // textures and surfaces
  "shiny", "glossy", "matte", "rough", "smooth", "soft", "hard", "striped", "spotted", "checkered", "plaid",
  "rusty", "dusty", "muddy", "wet", "dry", "transparent", "reflective", "rocky", "sandy", "snowy", "grassy",
  // age and state
  "old", "new", "young", "ancient", "antique", "vintage", "modern", "broken", "empty", "full", "open", "closed",
  "clean", "dirty", "hot", "cold", "warm", "frozen", "melting", "burning", "lit", "calm", "leafless", "bare",
  "sleeping", "smiling", "happy", "sad", "cute", "angry", "wild", "fresh", "ripe", "rotten",
  // shape and build
  "round", "square", "rectangular", "triangular", "oval", "flat", "curved", "long", "short", "thin", "thick",
  "fat", "slender", "heavy", "light", "wide", "narrow", "deep", "shallow",
  // tone
  "dark", "bright", "pale", "colorful", "colourful",
] as const;

const descriptiveAttributeSet: ReadonlySet<string> = new Set(descriptiveAttributes);

/**
 * True for colour words (and their aliases), size words and `descriptiveAttributes`. Own-property
 * checks keep inherited names ("constructor", "toString") from passing as colours or sizes.
 */
export function isAttributeWord(word: string): boolean {
  const lower = word.toLowerCase();
  const colour = asColourName(lower);
  if (typeof colour === "string" && Object.hasOwn(colourRgb, colour)) return true;
  return Object.hasOwn(sizeFactors, lower) || descriptiveAttributeSet.has(lower);
}
