import { mkdirSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * Server environment, zod-validated. Read lazily (each call reads `process.env`), so tests and the
 * Prisma CLI can set variables before first use. No client part yet: the pages need no env.
 *
 * - RIG_DATA_DIR: folder for the database file and the image store (default ./data).
 * - DATABASE_URL: SQLite file URL (default file:<RIG_DATA_DIR>/rig.db).
 * - RIG_WORKER_CONCURRENCY: runs executed at once by the in-process worker (default 2).
 * - RIG_WORKER: "off" keeps the Next server from starting the worker (default "on").
 * - RIG_EVAL_CONCURRENCY_SIM: evaluation item runs of the "sim" back end executed at once
 *   (default: RIG_WORKER_CONCURRENCY). One RIG_EVAL_CONCURRENCY_<BACKEND> per back end.
 */
const serverEnvSchema = z.object({
  RIG_DATA_DIR: z.string().trim().min(1).default("data"),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^file:.+/, 'DATABASE_URL must be a SQLite file URL such as "file:./data/rig.db"')
    .optional(),
  RIG_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  RIG_WORKER: z.enum(["on", "off"]).default("on"),
  RIG_EVAL_CONCURRENCY_SIM: z.coerce.number().int().min(1).max(16).optional(),
});
export type ServerEnv = z.infer<typeof serverEnvSchema>;

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

/** Absolute path of the SQLite file (its folder created if missing). */
export function databaseFile(env: ServerEnv = serverEnv()): string {
  const file = env.DATABASE_URL ? path.resolve(env.DATABASE_URL.replace(/^file:/, "")) : path.join(dataDir(env), "rig.db");
  mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

/** `file:<absolute path>`, the form Prisma's CLI and the better-sqlite3 adapter accept. */
export function databaseUrl(env: ServerEnv = serverEnv()): string {
  return `file:${databaseFile(env)}`;
}
