import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

/**
 * Applies prisma/postgres/migrations to a PostgreSQL database, in name order, each in its own
 * transaction, and records them in `_rig_migrations` (name, checksum). Prisma's own `migrate
 * deploy` needs its native schema engine for PostgreSQL, which cannot be downloaded here; the
 * migrations themselves are Prisma's DDL (scripts/postgres-schema.ts). An advisory lock makes
 * workers that start together apply them once. A migration whose file changed after it was
 * applied is refused: nothing is re-run silently.
 */
export const POSTGRES_MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/postgres/migrations", import.meta.url));
const LOCK_KEY = 7_242_001;

export async function applyPostgresMigrations(connectionString: string, dir = POSTGRES_MIGRATIONS_DIR): Promise<string[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_rig_migrations" ("name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const done = new Map((await client.query<{ name: string; checksum: string }>(`SELECT "name", "checksum" FROM "_rig_migrations"`)).rows.map((row) => [row.name, row.checksum]));
    for (const name of readdirSync(dir).filter((entry) => /^\d/.test(entry)).sort()) {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const recorded = done.get(name);
      if (recorded !== undefined) {
        if (recorded !== checksum) throw new Error(`PostgreSQL migration ${name} was changed after it was applied; restore the file (checksum ${recorded.slice(0, 12)})`);
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query(`INSERT INTO "_rig_migrations" ("name", "checksum") VALUES ($1, $2)`, [name, checksum]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`PostgreSQL migration ${name} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(name);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => {});
    await client.end();
  }
  return applied;
}
