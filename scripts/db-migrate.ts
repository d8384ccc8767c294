/**
 * npm run db:migrate: brings the database DATABASE_URL names up to date. SQLite (the default):
 * `prisma migrate deploy`. PostgreSQL: prisma/postgres/migrations through lib/db/postgres-migrations.ts.
 */
import { execFileSync } from "node:child_process";
import { postgresUrl } from "../lib/env";
import { applyPostgresMigrations } from "../lib/db/postgres-migrations";

const url = postgresUrl();
if (url) {
  const applied = await applyPostgresMigrations(url);
  console.log(applied.length === 0 ? "db:migrate: the PostgreSQL database is up to date" : `db:migrate: applied ${applied.join(", ")}`);
} else {
  execFileSync("npx", ["prisma", "migrate", "deploy"], { stdio: "inherit" });
}
