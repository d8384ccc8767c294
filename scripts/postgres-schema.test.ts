import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { POSTGRES_SCHEMA, postgresSchemaFrom, SQLITE_SCHEMA } from "./postgres-schema";

describe("the PostgreSQL schema", () => {
  it("is generated from prisma/schema.prisma and up to date (run npm run db:postgres after changing it)", () => {
    expect(readFileSync(POSTGRES_SCHEMA, "utf8")).toBe(postgresSchemaFrom(readFileSync(SQLITE_SCHEMA, "utf8")));
  });

  it("differs from the SQLite one only in its provider and client output", () => {
    const sqlite = readFileSync(SQLITE_SCHEMA, "utf8");
    const postgres = postgresSchemaFrom(sqlite);
    expect(postgres).toContain('provider = "postgresql"');
    expect(postgres).toContain('output   = "../../generated/prisma-postgres"');
    const strip = (text: string) => text.replace(/^\/\/ GENERATED.*\n\n/, "").replace(/"postgresql"|"sqlite"/, "P").replace(/"\.\.\/(\.\.\/)?generated\/prisma(-postgres)?"/, "O");
    expect(strip(postgres)).toBe(strip(sqlite));
    expect(() => postgresSchemaFrom(sqlite.replace('"sqlite"', '"mysql"'))).toThrow(/provider = "sqlite"/);
  });
});
