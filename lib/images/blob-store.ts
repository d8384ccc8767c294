import "server-only";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

/**
 * Where the image store keeps its files: a folder on this machine, or any S3-compatible bucket
 * (AWS S3, MinIO, Ceph, R2 ...) that every worker host reaches. Keys are relative paths such as
 * `images/ab/<sha-256>.png`; a stored key never changes (the store is content-addressed).
 */
export interface BlobStore {
  /** A description without secrets, for logs. */
  readonly where: string;
  has(key: string): Promise<boolean>;
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The bytes, or null when nothing is stored under the key. */
  get(key: string): Promise<Buffer | null>;
}

/** Files under `root`, written to a temporary name and renamed, so a reader never sees half a file. */
export function folderStore(root: string): BlobStore {
  const file = (key: string) => path.join(root, ...key.split("/"));
  return {
    where: root,
    async has(key) {
      try {
        await stat(file(key));
        return true;
      } catch {
        return false;
      }
    },
    async put(key, bytes) {
      const target = file(key);
      await mkdir(path.dirname(target), { recursive: true });
      const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(temporary, bytes);
      await rename(temporary, target);
    },
    async get(key) {
      try {
        return await readFile(file(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
  };
}

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket ("" for none). */
  prefix: string;
  /** An S3-compatible endpoint (MinIO: http://host:9000); default: AWS for the region. */
  endpoint?: string;
  region: string;
  /** Path-style addressing (bucket in the path), which MinIO and most self-hosted servers need. */
  forcePathStyle: boolean;
  /** Test seam; credentials come from the AWS SDK's usual chain (AWS_ACCESS_KEY_ID ... or a profile). */
  client?: S3Client;
}

/** An S3 bucket. PutObject of an immutable key is idempotent, so racing workers are harmless. */
export function s3Store(options: S3StoreOptions): BlobStore {
  const client =
    options.client ??
    new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle,
      // Plain bodies with a Content-MD5-free PUT: what every S3-compatible server accepts.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  const key = (relative: string) => (options.prefix ? `${options.prefix.replace(/\/+$/, "")}/${relative}` : relative);
  const missing = (error: unknown) => error instanceof NoSuchKey || error instanceof NotFound || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
  return {
    where: `s3://${options.bucket}/${options.prefix}${options.endpoint ? ` at ${new URL(options.endpoint).host}` : ""}`,
    async has(relative) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: options.bucket, Key: key(relative) }));
        return true;
      } catch (error) {
        if (missing(error)) return false;
        throw error;
      }
    },
    async put(relative, bytes, contentType) {
      await client.send(new PutObjectCommand({ Bucket: options.bucket, Key: key(relative), Body: bytes, ContentType: contentType, CacheControl: "public, max-age=31536000, immutable" }));
    },
    async get(relative) {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: key(relative) }));
        return answer.Body ? Buffer.from(await answer.Body.transformToByteArray()) : Buffer.alloc(0);
      } catch (error) {
        if (missing(error)) return null;
        throw error;
      }
    },
  };
}
