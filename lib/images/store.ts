import "server-only";
import { createHash } from "node:crypto";
import sharp from "sharp";
import { imageIdSchema } from "../schemas/run";
import { dataDir, serverEnv } from "../env";
import { folderStore, s3Store, type BlobStore } from "./blob-store";

/**
 * Content-addressed image store: `images/ab/<sha-256>.png`, plus a WebP thumbnail
 * `<sha-256>.thumb.webp` beside it, in the data folder or, with RIG_IMAGE_STORE=s3://bucket/prefix,
 * in an S3-compatible bucket that every worker host shares. The id is the sha-256 of the PNG bytes,
 * so writing the same image twice is a no-op and a file, once written, never changes (immutable
 * caching is safe).
 */
export const THUMBNAIL_WIDTH = 160;

export type ImageVariant = "original" | "thumb";

export const imageContentTypes: Record<ImageVariant, string> = { original: "image/png", thumb: "image/webp" };

export function imageIdOf(png: Uint8Array): string {
  return createHash("sha256").update(png).digest("hex");
}

function imageKey(id: string, variant: ImageVariant): string {
  return `images/${id.slice(0, 2)}/${variant === "thumb" ? `${id}.thumb.webp` : `${id}.png`}`;
}

const cache: { config: string; store: BlobStore } = { config: "", store: undefined as unknown as BlobStore };

/** The store the environment names (re-read when it changes, as tests do). */
export function imageStore(): BlobStore {
  const env = serverEnv();
  const config = JSON.stringify([env.RIG_IMAGE_STORE, env.RIG_S3_ENDPOINT, env.RIG_S3_REGION, env.RIG_S3_PATH_STYLE, env.RIG_IMAGE_STORE ? "" : dataDir(env)]);
  if (cache.config !== config) {
    cache.store = env.RIG_IMAGE_STORE ? s3StoreFrom(env.RIG_IMAGE_STORE, env) : folderStore(dataDir(env));
    cache.config = config;
  }
  return cache.store;
}

function s3StoreFrom(url: string, env: ReturnType<typeof serverEnv>): BlobStore {
  const { host: bucket, pathname } = new URL(url);
  return s3Store({
    bucket,
    prefix: pathname.replace(/^\/+|\/+$/g, ""),
    region: env.RIG_S3_REGION,
    ...(env.RIG_S3_ENDPOINT ? { endpoint: env.RIG_S3_ENDPOINT } : {}),
    forcePathStyle: (env.RIG_S3_PATH_STYLE ?? (env.RIG_S3_ENDPOINT ? "1" : "0")) === "1",
  });
}

/** Stores a PNG and its thumbnail; returns the image id. Idempotent. */
export async function putPng(png: Uint8Array): Promise<string> {
  const id = imageIdOf(png);
  const store = imageStore();
  const original = imageKey(id, "original");
  const thumb = imageKey(id, "thumb");
  if (!(await store.has(original))) await store.put(original, png, imageContentTypes.original);
  if (!(await store.has(thumb))) {
    const webp = await sharp(png).resize({ width: THUMBNAIL_WIDTH, withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
    await store.put(thumb, webp, imageContentTypes.thumb);
  }
  return id;
}

/** The bytes of an image variant, or null when the id is not a valid id or nothing is stored. */
export async function readImage(id: string, variant: ImageVariant = "original"): Promise<Buffer | null> {
  if (!imageIdSchema.safeParse(id).success) return null;
  return imageStore().get(imageKey(id, variant));
}
