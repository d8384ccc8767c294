import "server-only";
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { imageIdSchema } from "../schemas/run";
import { dataDir } from "../env";

/**
 * Content-addressed image store: `<RIG_DATA_DIR>/images/ab/<sha-256>.png`, plus a WebP thumbnail
 * `<sha-256>.thumb.webp` beside it. The id is the sha-256 of the PNG bytes, so writing the same
 * image twice is a no-op and a file, once written, never changes (immutable caching is safe).
 * Files are written to a temporary name and renamed, so a reader never sees half a file.
 */
export const THUMBNAIL_WIDTH = 160;

export type ImageVariant = "original" | "thumb";

export const imageContentTypes: Record<ImageVariant, string> = { original: "image/png", thumb: "image/webp" };

export function imageIdOf(png: Uint8Array): string {
  return createHash("sha256").update(png).digest("hex");
}

function imagePath(id: string, variant: ImageVariant, root = dataDir()): string {
  return path.join(root, "images", id.slice(0, 2), variant === "thumb" ? `${id}.thumb.webp` : `${id}.png`);
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, file);
}

/** Stores a PNG and its thumbnail; returns the image id. Idempotent. */
export async function putPng(png: Uint8Array): Promise<string> {
  const id = imageIdOf(png);
  const root = dataDir();
  const original = imagePath(id, "original", root);
  const thumb = imagePath(id, "thumb", root);
  if (!(await exists(original))) await writeAtomically(original, png);
  if (!(await exists(thumb))) {
    const webp = await sharp(png).resize({ width: THUMBNAIL_WIDTH, withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
    await writeAtomically(thumb, webp);
  }
  return id;
}

/** The bytes of an image variant, or null when the id is not a valid id or nothing is stored. */
export async function readImage(id: string, variant: ImageVariant = "original"): Promise<Buffer | null> {
  if (!imageIdSchema.safeParse(id).success) return null;
  try {
    return await readFile(imagePath(id, variant));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
