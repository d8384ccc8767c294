/**
 * npm run db:postgres [-- --name <migration name>]
 *
 * PostgreSQL's schema and migrations come from the one SQLite schema, prisma/schema.prisma:
 * 1. prisma/postgres/schema.prisma is that file with provider "postgresql" and its own client
 *    output (generated/prisma-postgres); nobody edits it (a test checks it matches);
 * 2. when it changed, the PostgreSQL DDL for the change is generated with `prisma migrate diff`
 *    (from the previous PostgreSQL schema to the new one) into prisma/postgres/migrations/<name>/,
 *    named after the newest SQLite migration unless --name says otherwise;
 * 3. the PostgreSQL client is generated.
 * Run it after `prisma migrate dev` has made a SQLite migration.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SQLITE_SCHEMA = path.join(root, "prisma", "schema.prisma");
export const POSTGRES_SCHEMA = path.join(root, "prisma", "postgres", "schema.prisma");
export const POSTGRES_MIGRATIONS = path.join(root, "prisma", "postgres", "migrations");

const HEADER = "// GENERATED from prisma/schema.prisma by `npm run db:postgres`: edit that file, not this one.\n\n";

/** The PostgreSQL schema for a SQLite schema text: another provider and client output, nothing else. */
export function postgresSchemaFrom(sqlite: string): string {
  const provider = /(datasource db \{\s*provider\s*=\s*)"sqlite"/;
  const output = /(output\s*=\s*)"\.\.\/generated\/prisma"/;
  if (!provider.test(sqlite) || !output.test(sqlite)) throw new Error('prisma/schema.prisma: expected provider = "sqlite" and output = "../generated/prisma"');
  return HEADER + sqlite.replace(provider, '$1"postgresql"').replace(output, '$1"../../generated/prisma-postgres"');
}

function prisma(args: string[]): string {
  return execFileSync("npx", ["prisma", ...args], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
}

function newestSqliteMigration(): string {
  const names = readdirSync(path.join(root, "prisma", "migrations")).filter((name) => /^\d/.test(name)).sort();
  if (names.length === 0) throw new Error("prisma/migrations has no migration");
  return names.at(-1)!;
}

function main(): void {
  const nameFlag = process.argv.indexOf("--name");
  const name = nameFlag >= 0 ? process.argv[nameFlag + 1] : newestSqliteMigration();
  if (!name || !/^[A-Za-z0-9_]+$/.test(name)) throw new Error("--name: letters, digits and _ only");
  const next = postgresSchemaFrom(readFileSync(SQLITE_SCHEMA, "utf8"));
  const previous = existsSync(POSTGRES_SCHEMA) ? readFileSync(POSTGRES_SCHEMA, "utf8") : null;
  if (previous === next) {
    console.log("db:postgres: prisma/postgres/schema.prisma is up to date");
  } else {
    const scratch = mkdtempSync(path.join(os.tmpdir(), "rig-pg-schema-"));
    const nextFile = path.join(scratch, "next.prisma");
    writeFileSync(nextFile, next);
    const from = previous === null ? ["--from-empty"] : ["--from-schema", (writeFileSync(path.join(scratch, "previous.prisma"), previous), path.join(scratch, "previous.prisma"))];
    const sql = prisma(["migrate", "diff", ...from, "--to-schema", nextFile, "--script"]).replace(/^Loaded Prisma config.*\n+/m, "");
    const folder = path.join(POSTGRES_MIGRATIONS, name);
    if (existsSync(folder)) throw new Error(`prisma/postgres/migrations/${name} exists already; pass --name for the new migration`);
    if (sql.trim() !== "" && !/^-- This is an empty migration/.test(sql.trim())) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, "migration.sql"), sql);
      console.log(`db:postgres: wrote prisma/postgres/migrations/${name}/migration.sql`);
    }
    mkdirSync(path.dirname(POSTGRES_SCHEMA), { recursive: true });
    writeFileSync(POSTGRES_SCHEMA, next);
    console.log("db:postgres: wrote prisma/postgres/schema.prisma");
  }
  prisma(["generate", "--schema", POSTGRES_SCHEMA]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
