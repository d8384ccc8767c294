import { mkdirSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { backendKinds, type BackendKind } from "./pipeline/backends/capabilities";

/** RIG_EVAL_CONCURRENCY_SIM, RIG_EVAL_CONCURRENCY_OPENAI_COMPATIBLE, ... */
export function evaluationConcurrencyVariable(kind: BackendKind): string {
  return `RIG_EVAL_CONCURRENCY_${kind.toUpperCase().replace(/-/g, "_")}`;
}

/**
 * Server environment, zod-validated. Read lazily (each call reads `process.env`), so tests and the
 * Prisma CLI can set variables before first use. No client part yet: the pages need no env.
 *
 * - RIG_DATA_DIR: folder for the database file and the image store (default ./data).
 * - DATABASE_URL: SQLite file URL (default file:<RIG_DATA_DIR>/rig.db), or postgres://... to use
 *   PostgreSQL (schema and migrations in prisma/postgres/, generated from prisma/schema.prisma).
 * - RIG_IMAGE_STORE: s3://<bucket>[/<prefix>] keeps images in an S3-compatible bucket instead of
 *   <RIG_DATA_DIR>/images (RIG_S3_ENDPOINT for MinIO and others, RIG_S3_REGION, RIG_S3_PATH_STYLE
 *   "1" / "0", default "1" with an endpoint; credentials from the AWS SDK's usual variables).
 * - RIG_WORKER_CONCURRENCY: runs executed at once by the in-process worker (default 2).
 * - RIG_WORKER: "off" keeps the Next server from starting the worker (default "on").
 * - RIG_EVAL_CONCURRENCY_<KIND>: evaluation item runs whose profile uses back-end kind <KIND>
 *   executed at once (default: RIG_WORKER_CONCURRENCY), one variable per kind: SIM,
 *   OPENAI_COMPATIBLE, OPENAI_IMAGES, COMFYUI, A1111, LOCAL_DETECTOR.
 * - RIG_CONFIG: the back-end profiles file (default ./rig.config.json), read by
 *   lib/pipeline/backends/config.ts.
 */
const serverEnvSchema = z.object({
  RIG_DATA_DIR: z.string().trim().min(1).default("data"),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^(file:.+|postgres(ql)?:\/\/.+)/, 'DATABASE_URL must be a SQLite file URL such as "file:./data/rig.db" or a PostgreSQL URL such as "postgres://user:password@host:5432/rig"')
    .optional(),
  RIG_IMAGE_STORE: z
    .string()
    .trim()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'RIG_IMAGE_STORE must be "s3://<bucket>[/<prefix>]" (leave it unset for the data folder)')
    .optional(),
  RIG_S3_ENDPOINT: z.url({ error: "RIG_S3_ENDPOINT must be a URL such as http://minio:9000" }).optional(),
  RIG_S3_REGION: z.string().trim().min(1).default("us-east-1"),
  RIG_S3_PATH_STYLE: z.enum(["0", "1"]).optional(),
  RIG_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  RIG_WORKER: z.enum(["on", "off"]).default("on"),
  ...Object.fromEntries(backendKinds.map((kind) => [evaluationConcurrencyVariable(kind), z.coerce.number().int().min(1).max(64).optional()])),
});
export type ServerEnv = z.infer<typeof serverEnvSchema>;

/** Evaluation item concurrency per back-end kind: the kind's variable, else RIG_WORKER_CONCURRENCY. */
export function evaluationConcurrency(env: ServerEnv = serverEnv()): Record<BackendKind, number> {
  const values = env as unknown as Record<string, number | undefined>;
  return Object.fromEntries(backendKinds.map((kind) => [kind, values[evaluationConcurrencyVariable(kind)] ?? env.RIG_WORKER_CONCURRENCY])) as Record<BackendKind, number>;
}

export function serverEnv(source: NodeJS.ProcessEnv = process.env): ServerEnv {
  const result = serverEnvSchema.safeParse(source);
  if (!result.success) {
    const details = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`invalid environment: ${details}`);
  }
  return result.data;
}

/** Absolute path of the data folder (created if missing). */
export function dataDir(env: ServerEnv = serverEnv()): string {
  const dir = path.resolve(env.RIG_DATA_DIR);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The PostgreSQL URL when DATABASE_URL names one, else undefined (the SQLite file is used). */
export function postgresUrl(env: ServerEnv = serverEnv()): string | undefined {
  return env.DATABASE_URL && /^postgres(ql)?:\/\//.test(env.DATABASE_URL) ? env.DATABASE_URL : undefined;
}

/** Absolute path of the SQLite file (its folder created if missing). */
export function databaseFile(env: ServerEnv = serverEnv()): string {
  if (postgresUrl(env)) throw new Error("DATABASE_URL names a PostgreSQL database, not a SQLite file");
  const file = env.DATABASE_URL ? path.resolve(env.DATABASE_URL.replace(/^file:/, "")) : path.join(dataDir(env), "rig.db");
  mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

/** `file:<absolute path>`, the form Prisma's CLI and the better-sqlite3 adapter accept. */
export function databaseUrl(env: ServerEnv = serverEnv()): string {
  return `file:${databaseFile(env)}`;
}
