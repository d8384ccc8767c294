import "server-only";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../../generated/prisma/client";
import { databaseFile } from "../env";

/**
 * The one Prisma client of the process (SQLite through the better-sqlite3 driver adapter).
 * Kept on globalThis: Next bundles instrumentation (the worker) and route handlers separately,
 * and dev reloads modules, but all of them must share one client. For PostgreSQL, build it with
 * `new PrismaPg({ connectionString })` from @prisma/adapter-pg and a client generated for it.
 */
const globalForPrisma = globalThis as unknown as { rigPrisma?: { client: PrismaClient; file: string } };

export function db(): PrismaClient {
  const file = databaseFile();
  const cached = globalForPrisma.rigPrisma;
  if (cached && cached.file === file) return cached.client;
  if (cached) void cached.client.$disconnect();
  prepareFile(file);
  // `timeout` is SQLite's busy timeout: writers wait for each other instead of failing.
  const client = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}`, timeout: 10_000 }) });
  globalForPrisma.rigPrisma = { client, file };
  return client;
}

/** WAL lets the pages read while the worker writes; the setting is stored in the file. */
function prepareFile(file: string): void {
  const connection = new Database(file);
  try {
    connection.pragma("journal_mode = WAL");
  } finally {
    connection.close();
  }
}

/** Closes the client (tests, shutdown). */
export async function disconnectDb(): Promise<void> {
  const cached = globalForPrisma.rigPrisma;
  globalForPrisma.rigPrisma = undefined;
  await cached?.client.$disconnect();
}
