import "server-only";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "../../generated/prisma-postgres/client";
import { databaseFile, postgresUrl } from "../env";

/**
 * The one Prisma client of the process: SQLite through the better-sqlite3 driver adapter, or, when
 * DATABASE_URL is postgres://..., PostgreSQL through @prisma/adapter-pg with the client generated
 * from prisma/postgres/schema.prisma. Both clients come from one schema (scripts/postgres-schema.ts
 * generates the PostgreSQL one), so they have the same models and the same API; the application
 * code sees the SQLite client's type either way.
 * Kept on globalThis: Next bundles instrumentation (the worker) and route handlers separately,
 * and dev reloads modules, but all of them must share one client.
 */
const globalForPrisma = globalThis as unknown as { rigPrisma?: { client: PrismaClient; target: string } };

export function db(): PrismaClient {
  const postgres = postgresUrl();
  const target = postgres ?? databaseFile();
  const cached = globalForPrisma.rigPrisma;
  if (cached && cached.target === target) return cached.client;
  if (cached) void cached.client.$disconnect();
  const client = postgres ? postgresClient(postgres) : sqliteClient(target);
  globalForPrisma.rigPrisma = { client, target };
  return client;
}

function sqliteClient(file: string): PrismaClient {
  prepareFile(file);
  // `timeout` is SQLite's busy timeout: writers wait for each other instead of failing.
  return new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}`, timeout: 10_000 }) });
}

function postgresClient(connectionString: string): PrismaClient {
  // The same models from the same schema: only the provider differs (see the comment above).
  return new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString }) }) as unknown as PrismaClient;
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
