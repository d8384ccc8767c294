import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import sharp from "sharp";
import { dominantColour, luminance, type ColourName } from "./colour";
import { curatedSprites, irregularPlurals } from "./sprite-names";

/**
 * The world's object knowledge: which Fluent Emoji 3D sprite depicts a label, and the sprite's
 * pixels (decoded once with sharp, trimmed to the alpha bounding box, with a mip chain).
 *
 * Resolution order for `resolve(label)` (case-insensitive, whitespace-collapsed):
 *   1. the curated noun table (sprite-names.ts; prefers full-body sprites, e.g. person ->
 *      "person standing", and stand-ins such as refrigerator -> door),
 *   2. an exact emojibase label,
 *   3. the singular of a plural ("trees" -> "tree", "mice" -> "mouse"), retried through 1-2,
 *   4. the last word of a multi-word label ("wooden chair" -> "chair"), retried through 1-3,
 *   5. an emojibase label containing the word, then an emojibase tag (shortest label wins),
 *   6. fallback: the "package" sprite, with a warning naming the label.
 * "mouse" is the animal; say "computer mouse" for the device.
 *
 * The detector may use everything here (it is like a detector's trained weights): sprite
 * luminance, alpha and the scaled-template caches. It never receives per-image state.
 *
 * Scaling contract (renderer and detector share it so the detector can predict pixels exactly):
 * a sprite drawn w x h px is bilinearly sampled (premultiplied alpha) from the smallest mip level
 * at least h px tall, at source coordinate (i + 0.5) * mipWidth / w - 0.5.
 *
 * Exports: SpriteLibrary (resolve, load, isLoaded, sprite, aspect, scaledSprite, naturalColour,
 * memo), Sprite, MipLevel, Resolution, FALLBACK_KEY, defaultSpriteLibrary().
 */

/** Resolves installed packages from the project root (works under tsx, vitest and Next). */
const require = createRequire(path.join(process.cwd(), "package.json"));

export interface MipLevel {
  readonly width: number;
  readonly height: number;
  /** Straight RGBA. */
  readonly rgba: Uint8ClampedArray;
  /** Per-pixel luminance (colour.ts `luminance`). */
  readonly lum: Float32Array;
  readonly alpha: Uint8Array;
}

export interface Sprite {
  readonly key: string;
  /** Trimmed width / height. */
  readonly aspect: number;
  /** Level 0 is the trimmed full-resolution sprite; each next level halves it. */
  readonly mips: readonly MipLevel[];
}

export interface Resolution {
  /** Asset file stem (hexcode), e.g. "1f415". */
  readonly key: string;
  /** Emoji label the key depicts. */
  readonly emoji: string;
  readonly warnings: string[];
}

interface EmojiEntry {
  label: string;
  hexcode: string;
  tags?: string[];
}

export const FALLBACK_KEY = "1f4e6";

function assetsDir(): string {
  return path.join(path.dirname(require.resolve("@lobehub/fluent-emoji-3d/package.json")), "assets");
}

function normaliseHex(hex: string): string {
  return hex.toLowerCase().replace(/-fe0f/g, "");
}

function singular(word: string): string | undefined {
  const irregular = irregularPlurals[word];
  if (irregular && irregular !== word) return irregular;
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ches|shes|sses|xes|oes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s") && !word.endsWith("ss") && word.length > 3) return word.slice(0, -1);
  return undefined;
}

export class SpriteLibrary {
  private readonly assets: string;
  private readonly fileByHex = new Map<string, string>();
  private readonly keyByLabel = new Map<string, string>();
  private readonly emojiByKey = new Map<string, string>();
  private readonly entries: { label: string; tags: string[]; key: string }[] = [];
  private readonly sprites = new Map<string, Sprite>();
  private readonly pending = new Map<string, Promise<Sprite>>();
  private readonly resolutions = new Map<string, Resolution>();
  private readonly scaledCache = new Map<string, Uint8ClampedArray>();
  private readonly memos = new Map<string, unknown>();
  private readonly colours = new Map<string, ColourName>();

  constructor(assets = assetsDir()) {
    this.assets = assets;
    // A run-time folder inside node_modules: nothing for the bundler to trace.
    for (const file of readdirSync(/* turbopackIgnore: true */ assets)) {
      if (file.endsWith(".webp")) this.fileByHex.set(normaliseHex(file.slice(0, -5)), file);
    }
    const data = require("emojibase-data/en/data.json") as EmojiEntry[];
    for (const entry of data) {
      const file = this.fileByHex.get(normaliseHex(entry.hexcode));
      if (!file) continue;
      const key = file.slice(0, -5);
      const label = entry.label.toLowerCase();
      if (!this.keyByLabel.has(label)) this.keyByLabel.set(label, key);
      if (!this.emojiByKey.has(key)) this.emojiByKey.set(key, entry.label);
      this.entries.push({ label, tags: entry.tags ?? [], key });
    }
  }

  /** Which sprite depicts `label`; never throws (unknown labels get the fallback and a warning). */
  resolve(label: string): Resolution {
    const text = label.trim().toLowerCase().replace(/\s+/g, " ");
    const cached = this.resolutions.get(text);
    if (cached) return cached;
    const key = this.lookup(text) ?? this.lookupLoose(text);
    const resolution: Resolution = key
      ? { key, emoji: this.emojiByKey.get(key) ?? key, warnings: [] }
      : {
          key: FALLBACK_KEY,
          emoji: "package",
          warnings: [`no sprite for "${label}": drawn as a generic package`],
        };
    this.resolutions.set(text, resolution);
    return resolution;
  }

  private lookupExact(text: string): string | undefined {
    const curated = curatedSprites[text];
    if (curated) return this.keyByLabel.get(curated.toLowerCase());
    return this.keyByLabel.get(text);
  }

  private lookup(text: string): string | undefined {
    const exact = this.lookupExact(text);
    if (exact) return exact;
    const words = text.split(" ");
    const last = words[words.length - 1]!;
    const single = singular(last);
    if (single) {
      const found = this.lookupExact([...words.slice(0, -1), single].join(" "));
      if (found) return found;
    }
    if (words.length > 1) return this.lookup(last);
    return undefined;
  }

  private lookupLoose(text: string): string | undefined {
    const words = text.split(" ");
    const last = words[words.length - 1]!;
    const candidates = [last, singular(last)].filter((word): word is string => Boolean(word));
    for (const word of candidates) {
      const byLabel = this.entries
        .filter((entry) => entry.label.split(/[\s:,]+/).includes(word))
        .sort((a, b) => a.label.length - b.label.length)[0];
      if (byLabel) return byLabel.key;
    }
    for (const word of candidates) {
      const byTag = this.entries.filter((entry) => entry.tags.includes(word)).sort((a, b) => a.label.length - b.label.length)[0];
      if (byTag) return byTag.key;
    }
    return undefined;
  }

  /** Decode (once) the sprites for these labels; needed before the synchronous accessors. */
  async load(labels: readonly string[]): Promise<void> {
    await Promise.all(labels.map((label) => this.loadKey(this.resolve(label).key)));
  }

  isLoaded(label: string): boolean {
    return this.sprites.has(this.resolve(label).key);
  }

  private loadKey(key: string): Promise<Sprite> {
    const done = this.sprites.get(key);
    if (done) return Promise.resolve(done);
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.decode(key).then((sprite) => {
        this.sprites.set(key, sprite);
        this.pending.delete(key);
        return sprite;
      });
      this.pending.set(key, pending);
    }
    return pending;
  }

  private async decode(key: string): Promise<Sprite> {
    const file = path.join(this.assets, `${key}.webp`);
    const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const { width, height } = info;
    let x0 = width;
    let y0 = height;
    let x1 = -1;
    let y1 = -1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (data[(y * width + x) * 4 + 3]! > 0) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    if (x1 < 0) throw new Error(`sprite ${key} is fully transparent`);
    const tw = x1 - x0 + 1;
    const th = y1 - y0 + 1;
    const rgba = new Uint8ClampedArray(tw * th * 4);
    for (let y = 0; y < th; y++) {
      const from = ((y + y0) * width + x0) * 4;
      rgba.set(data.subarray(from, from + tw * 4), y * tw * 4);
    }
    const mips: MipLevel[] = [makeLevel(tw, th, rgba)];
    while (mips[mips.length - 1]!.height >= 16) mips.push(halve(mips[mips.length - 1]!));
    return { key, aspect: tw / th, mips };
  }

  /** The decoded sprite for a label; throws if `load` has not been awaited for it. */
  sprite(label: string): Sprite {
    return this.spriteByKey(this.resolve(label).key);
  }

  spriteByKey(key: string): Sprite {
    const sprite = this.sprites.get(key);
    if (!sprite) throw new Error(`sprite ${key} is not loaded: await library.load([...labels]) first`);
    return sprite;
  }

  aspect(label: string): number {
    return this.sprite(label).aspect;
  }

  /** Colour a person would name the un-recoloured sprite (e.g. red apple -> red). */
  naturalColour(key: string): ColourName {
    let colour = this.colours.get(key);
    if (!colour) {
      colour = dominantColour(this.spriteByKey(key).mips[0]!.rgba);
      this.colours.set(key, colour);
    }
    return colour;
  }

  /** Sprite scaled to w x h (straight RGBA), per the scaling contract; cached, do not mutate. */
  scaledSprite(key: string, width: number, height: number): Uint8ClampedArray {
    const cacheKey = `${key}:${width}x${height}`;
    const cached = this.scaledCache.get(cacheKey);
    if (cached) return cached;
    const level = mipFor(this.spriteByKey(key), height);
    const out = new Uint8ClampedArray(width * height * 4);
    const sx = level.width / width;
    const sy = level.height / height;
    for (let j = 0; j < height; j++) {
      const fy = Math.min(level.height - 1, Math.max(0, (j + 0.5) * sy - 0.5));
      const y0 = Math.floor(fy);
      const y1 = Math.min(level.height - 1, y0 + 1);
      const ty = fy - y0;
      for (let i = 0; i < width; i++) {
        const fx = Math.min(level.width - 1, Math.max(0, (i + 0.5) * sx - 0.5));
        const x0 = Math.floor(fx);
        const x1 = Math.min(level.width - 1, x0 + 1);
        const tx = fx - x0;
        const o = (j * width + i) * 4;
        bilinearRgba(level, x0, x1, y0, y1, tx, ty, out, o);
      }
    }
    if (this.scaledCache.size > 600) this.scaledCache.delete(this.scaledCache.keys().next().value!);
    this.scaledCache.set(cacheKey, out);
    return out;
  }

  /** Per-library memo for derived knowledge (e.g. detector templates), keyed by a string. */
  memo<T>(key: string, build: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = build();
    this.memos.set(key, value);
    return value;
  }
}

/** The mip level the scaling contract samples for a drawn height. */
export function mipFor(sprite: Sprite, height: number): MipLevel {
  let level = sprite.mips[0]!;
  for (const candidate of sprite.mips) {
    if (candidate.height >= height) level = candidate;
    else break;
  }
  return level;
}

function bilinearRgba(level: MipLevel, x0: number, x1: number, y0: number, y1: number, tx: number, ty: number, out: Uint8ClampedArray, o: number): void {
  const w = level.width;
  const src = level.rgba;
  const weights = [(1 - tx) * (1 - ty), tx * (1 - ty), (1 - tx) * ty, tx * ty];
  const taps = [(y0 * w + x0) * 4, (y0 * w + x1) * 4, (y1 * w + x0) * 4, (y1 * w + x1) * 4];
  let a = 0;
  let r = 0;
  let g = 0;
  let b = 0;
  for (let k = 0; k < 4; k++) {
    const p = taps[k]!;
    const wa = weights[k]! * src[p + 3]!;
    a += wa;
    r += wa * src[p]!;
    g += wa * src[p + 1]!;
    b += wa * src[p + 2]!;
  }
  if (a <= 0) {
    out[o + 3] = 0;
    return;
  }
  out[o] = r / a;
  out[o + 1] = g / a;
  out[o + 2] = b / a;
  out[o + 3] = a;
}

function makeLevel(width: number, height: number, rgba: Uint8ClampedArray): MipLevel {
  const lum = new Float32Array(width * height);
  const alpha = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) {
    lum[i] = luminance(rgba[i * 4]!, rgba[i * 4 + 1]!, rgba[i * 4 + 2]!);
    alpha[i] = rgba[i * 4 + 3]!;
  }
  return { width, height, rgba, lum, alpha };
}

/** 2x box downsample with premultiplied alpha. */
function halve(level: MipLevel): MipLevel {
  const width = Math.max(1, Math.floor(level.width / 2));
  const height = Math.max(1, Math.floor(level.height / 2));
  const rgba = new Uint8ClampedArray(width * height * 4);
  const src = level.rgba;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let a = 0;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const sx = Math.min(level.width - 1, x * 2 + dx);
          const sy = Math.min(level.height - 1, y * 2 + dy);
          const p = (sy * level.width + sx) * 4;
          const pa = src[p + 3]!;
          a += pa;
          r += pa * src[p]!;
          g += pa * src[p + 1]!;
          b += pa * src[p + 2]!;
        }
      }
      const o = (y * width + x) * 4;
      if (a > 0) {
        rgba[o] = r / a;
        rgba[o + 1] = g / a;
        rgba[o + 2] = b / a;
      }
      rgba[o + 3] = a / 4;
    }
  }
  return makeLevel(width, height, rgba);
}

let shared: SpriteLibrary | undefined;

/** One process-wide library over the installed emoji assets. */
export function defaultSpriteLibrary(): SpriteLibrary {
  shared ??= new SpriteLibrary();
  return shared;
}
