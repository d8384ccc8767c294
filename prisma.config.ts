import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";
import { databaseUrl, postgresUrl } from "./lib/env";

/**
 * Prisma CLI configuration. Prisma 7 downloads a native schema engine that this machine cannot
 * fetch; scripts/prisma-schema-engine.mjs stands in for it (the wasm engine from npm over a
 * better-sqlite3 driver adapter), so `prisma generate` and `prisma migrate *` work offline with no
 * variable for anyone to export. The database file comes from DATABASE_URL or RIG_DATA_DIR.
 */
const root = path.dirname(fileURLToPath(import.meta.url));
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(root, "scripts", "prisma-schema-engine.mjs");
process.env.CHECKPOINT_DISABLE ??= "1";
process.env.PRISMA_HIDE_UPDATE_MESSAGE ??= "1";

// With DATABASE_URL=postgres://... the CLI reads the PostgreSQL schema generated from the SQLite one
// (scripts/postgres-schema.ts); its migrations are applied by `npm run db:migrate`, not the CLI.
const postgres = postgresUrl();
export default defineConfig({
  schema: postgres ? path.join(root, "prisma", "postgres", "schema.prisma") : path.join(root, "prisma", "schema.prisma"),
  migrations: { path: postgres ? path.join(root, "prisma", "postgres", "migrations") : path.join(root, "prisma", "migrations") },
  datasource: { url: postgres ?? databaseUrl() },
});
