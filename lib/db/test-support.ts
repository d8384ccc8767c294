/**
 * Test-only: a throwaway database with the committed migrations applied, in its own temp data
 * folder (images too). Call `useTestDatabase()` at the top of a test file. SQLite by default; with
 * RIG_TEST_POSTGRES_URL (a PostgreSQL server URL whose user may create databases) each test file
 * gets its own PostgreSQL database instead, made from prisma/postgres/migrations and dropped after.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll } from "vitest";
import pg from "pg";
import { disconnectDb } from "./client";
import { applyPostgresMigrations } from "./postgres-migrations";

const MIGRATIONS = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

export function createTestDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "rig-test-"));
  const connection = new Database(path.join(dir, "rig.db"));
  try {
    for (const name of readdirSync(MIGRATIONS).filter((entry) => /^\d/.test(entry)).sort()) {
      connection.exec(readFileSync(path.join(MIGRATIONS, name, "migration.sql"), "utf8"));
    }
  } finally {
    connection.close();
  }
  return dir;
}

/** Points RIG_DATA_DIR at a fresh migrated folder for this test file, and removes it after. */
export function useTestDatabase(): { dir: () => string } {
  let dir = "";
  const server = process.env.RIG_TEST_POSTGRES_URL;
  let postgresDatabase: string | undefined;
  beforeAll(async () => {
    await disconnectDb();
    dir = createTestDataDir();
    process.env.RIG_DATA_DIR = dir;
    delete process.env.DATABASE_URL;
    process.env.RIG_WORKER = "off";
    if (server) {
      postgresDatabase = `rig_test_${path.basename(dir).replace(/[^a-z0-9]/gi, "").toLowerCase()}`;
      await adminQuery(server, `CREATE DATABASE "${postgresDatabase}"`);
      const url = new URL(server);
      url.pathname = `/${postgresDatabase}`;
      await applyPostgresMigrations(url.toString());
      process.env.DATABASE_URL = url.toString();
    }
  }, 60_000);
  afterAll(async () => {
    await disconnectDb();
    rmSync(dir, { recursive: true, force: true });
    if (server && postgresDatabase) await adminQuery(server, `DROP DATABASE IF EXISTS "${postgresDatabase}" WITH (FORCE)`);
  });
  return { dir: () => dir };
}

/** One statement on a PostgreSQL server (creating and dropping test databases). */
export async function adminQuery(server: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
