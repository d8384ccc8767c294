/**
 * Test-only: a throwaway SQLite file with the committed migrations applied, in its own temp data
 * folder (images too). Call `useTestDatabase()` at the top of a test file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll } from "vitest";
import { disconnectDb } from "./client";

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
  beforeAll(async () => {
    await disconnectDb();
    dir = createTestDataDir();
    process.env.RIG_DATA_DIR = dir;
    delete process.env.DATABASE_URL;
    process.env.RIG_WORKER = "off";
  });
  afterAll(async () => {
    await disconnectDb();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir: () => dir };
}
