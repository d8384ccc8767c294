import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPostgresMigrations } from "./postgres-migrations";
import { adminQuery } from "./test-support";

/** Runs on PostgreSQL only (scripts/test-postgres.sh sets RIG_TEST_POSTGRES_URL). */
const server = process.env.RIG_TEST_POSTGRES_URL;

describe.runIf(server)("PostgreSQL migrations", () => {
  const database = `rig_test_migrations_${process.pid}`;
  let url = "";
  const admin = (sql: string) => adminQuery(server!, sql);
  beforeAll(async () => {
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin(`CREATE DATABASE "${database}"`);
    const parsed = new URL(server!);
    parsed.pathname = `/${database}`;
    url = parsed.toString();
  });
  afterAll(async () => admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));

  it("applies each migration once, even from several workers at the same time, and refuses one changed after it ran", async () => {
    const results = await Promise.all([applyPostgresMigrations(url), applyPostgresMigrations(url), applyPostgresMigrations(url)]);
    expect(results.flat().length).toBeGreaterThan(0);
    expect(new Set(results.flat()).size).toBe(results.flat().length);
    expect(await applyPostgresMigrations(url)).toEqual([]);

    const dir = mkdtempSync(path.join(tmpdir(), "rig-pg-migrations-"));
    mkdirSync(path.join(dir, "1_first"));
    writeFileSync(path.join(dir, "1_first", "migration.sql"), 'CREATE TABLE "Probe" ("id" TEXT PRIMARY KEY);');
    expect(await applyPostgresMigrations(url, dir)).toEqual(["1_first"]);
    writeFileSync(path.join(dir, "1_first", "migration.sql"), 'CREATE TABLE "Probe" ("id" INTEGER PRIMARY KEY);');
    await expect(applyPostgresMigrations(url, dir)).rejects.toThrow(/1_first was changed after it was applied/);
  });

  it("rolls a failing migration back whole and says which one failed", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rig-pg-migrations-"));
    mkdirSync(path.join(dir, "2_broken"));
    writeFileSync(path.join(dir, "2_broken", "migration.sql"), 'CREATE TABLE "Half" ("id" TEXT); SELECT no_such_function();');
    await expect(applyPostgresMigrations(url, dir)).rejects.toThrow(/2_broken failed/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect((await client.query(`SELECT to_regclass('"Half"') AS found`)).rows[0].found).toBeNull();
    } finally {
      await client.end();
    }
  });
});
