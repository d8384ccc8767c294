#!/usr/bin/env node
/**
 * A stand-in for Prisma's native `schema-engine` binary, which cannot be downloaded here.
 * prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY at this file; the Prisma CLI then runs it
 * exactly as it would run the binary:
 *
 *   prisma-schema-engine.mjs --version
 *   prisma-schema-engine.mjs --datasource '{"url":...}' cli can-connect-to-database|create-database|drop-database
 *   prisma-schema-engine.mjs --datamodels <schema.prisma> [--datasource <json>]   (JSON-RPC over stdio)
 *
 * The JSON-RPC requests (one JSON object per line) go to Prisma's schema engine compiled to
 * WebAssembly (@prisma/schema-engine-wasm, pinned to the CLI's engine version) over a
 * better-sqlite3 driver adapter. SQLite only. Four work-arounds for that engine through an adapter
 * (see ../shared/notes/prisma-offline.md):
 *   1. a fresh database has no `_prisma_migrations` table and the engine fails reading it (P1014):
 *      the table is created before the engine starts;
 *   2. multi-statement migration scripts arrive through `executeRaw`, which runs one statement:
 *      argument-less raw statements go through `executeScript` (better-sqlite3 `exec`);
 *   3. the engine's `reset` leaves the file as it was: reset drops every table, view and trigger;
 *   4. the engine leaves a 60 s timer running: SIGTERM and the end of stdin exit at once.
 */
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";

const require = createRequire(import.meta.url);
const ENGINE_HASH = "0edf323efd1d98336f3f0a68684b56f689b900d3";

const args = parseArgs(process.argv.slice(2));

if (args.version) {
  process.stdout.write(`schema-engine-cli ${ENGINE_HASH}\n`);
  process.exit(0);
}

const url = args.datasource?.url ?? process.env.DATABASE_URL;


function parseArgs(argv) {
  const parsed = { datamodels: [], datasource: undefined, cli: undefined, version: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--version" || arg === "-V") parsed.version = true;
    else if (arg === "--datamodels") parsed.datamodels.push(argv[++i]);
    else if (arg === "--datasource") parsed.datasource = JSON.parse(argv[++i]);
    else if (arg === "cli") parsed.cli = argv[++i];
    else if (arg === "--enabled-preview-features" || arg === "--extension-types") i += 1;
  }
  return parsed;
}

function sqliteFile(databaseUrl) {
  if (!databaseUrl || !databaseUrl.startsWith("file:")) {
    throw new Error(`this schema engine stand-in speaks SQLite only; got ${databaseUrl ? "a non-file URL" : "no URL"}`);
  }
  return path.resolve(databaseUrl.slice("file:".length).split("?")[0]);
}

function openDatabase(file) {
  const Database = require("better-sqlite3");
  return new Database(file);
}

/** The one-shot `cli` commands. Opening a SQLite file creates it, so connecting always works. */
function runCliCommand(command) {
  try {
    const file = sqliteFile(url);
    if (command === "can-connect-to-database" || command === "create-database") {
      openDatabase(file).close();
      if (command === "create-database") process.stdout.write(`${JSON.stringify({ databaseName: path.basename(file) })}\n`);
      return 0;
    }
    if (command === "drop-database") {
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
      return 0;
    }
    logError(`unknown cli command ${command}`);
    return 1;
  } catch (error) {
    logError(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

function logError(message) {
  // The CLI skips the first stderr line and reads the rest as JSON log lines.
  process.stderr.write(`schema-engine stand-in\n${JSON.stringify({ level: "ERROR", target: "schema_engine::logger", fields: { message } })}\n`);
}

async function loadWasmEngine() {
  const packageDir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
  const bindings = await import(path.join(packageDir, "schema_engine_bg.js"));
  const bytes = readFileSync(path.join(packageDir, "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bindings });
  bindings.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start?.();
  return bindings.SchemaEngine;
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/** Work-around 2: a raw statement without arguments may be a whole script. */
function wrapAdapter(adapter) {
  return new Proxy(adapter, {
    get(target, property, receiver) {
      if (property === "executeRaw") {
        return async (query) => {
          if ((query.args?.length ?? 0) === 0 && hasSeveralStatements(query.sql)) {
            await target.executeScript(query.sql);
            return 0;
          }
          return target.executeRaw(query);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function hasSeveralStatements(sql) {
  return /;\s*\S/.test(sql.replace(/--[^\n]*/g, "").trim());
}

/** Work-around 3: empty the file (tables, views, triggers) instead of the engine's reset. */
function resetDatabase(file) {
  const db = openDatabase(file);
  try {
    db.pragma("foreign_keys = OFF");
    const objects = db
      .prepare("SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger', 'table') AND name NOT LIKE 'sqlite_%'")
      .all();
    const order = { trigger: 0, view: 1, table: 2 };
    objects.sort((a, b) => order[a.type] - order[b.type]);
    db.exec(objects.map(({ type, name }) => `DROP ${type.toUpperCase()} IF EXISTS "${name.replaceAll('"', '""')}";`).join("\n"));
    db.exec("VACUUM");
  } finally {
    db.close();
  }
}

async function serveJsonRpc() {
  const file = sqliteFile(url);
  // Work-around 1: the migrations table exists before the engine first reads it.
  const db = openDatabase(file);
  db.exec(MIGRATIONS_TABLE);
  db.close();

  const { PrismaBetterSqlite3 } = require("@prisma/adapter-better-sqlite3");
  const { bindMigrationAwareSqlAdapterFactory } = require("@prisma/driver-adapter-utils");
  const factory = new PrismaBetterSqlite3({ url: `file:${file}` });
  const wrappedFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => wrapAdapter(await factory.connect()),
    connectToShadowDb: async () => wrapAdapter(await factory.connectToShadowDb()),
  };

  const SchemaEngine = await loadWasmEngine();
  const datamodels = args.datamodels.map((file) => [file, readFileSync(file, "utf8")]);
  const engine = await SchemaEngine.new(
    { datamodels: datamodels.length > 0 ? datamodels : undefined },
    (log) => {
      if (process.env.PRISMA_SCHEMA_ENGINE_DEBUG) process.stderr.write(`${log}\n`);
    },
    bindMigrationAwareSqlAdapterFactory(wrappedFactory),
  );

  // Work-around 4: leave at once, whatever timers the engine left behind.
  const exit = () => process.exit(0);
  process.on("SIGTERM", exit);
  process.on("SIGINT", exit);

  const pending = new Set();
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on("line", (line) => {
    if (!line.trim()) return;
    const task = handle(engine, file, line).then((response) => response && process.stdout.write(`${JSON.stringify(response)}\n`));
    pending.add(task);
    task.finally(() => pending.delete(task));
  });
  lines.on("close", async () => {
    await Promise.allSettled([...pending]);
    exit();
  });
}

async function handle(engine, file, line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    return { jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } };
  }
  const { id, method, params } = request;
  // The CLI's answer to our own `print` request (below): nothing to do.
  if (method === undefined) return undefined;
  try {
    let result;
    if (method === "reset") {
      resetDatabase(file);
      result = {};
    } else if (method === "getDatabaseVersion") {
      result = await engine.version(params ?? null);
    } else if (typeof engine[method] === "function" && method !== "free") {
      result = await engine[method](params ?? {});
      // Work-around 5: the wasm engine returns `migrate diff`'s script as `stdout`; the native
      // engine asks the CLI to print it with a `print` request, which is what the CLI shows.
      if (method === "diff" && typeof result?.stdout === "string") {
        const { stdout, ...rest } = result;
        process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", id: `print-${id}`, method: "print", params: { content: stdout } })}\n`);
        result = rest;
      }
    } else {
      throw new Error(`method ${method} is not supported by the wasm schema engine`);
    }
    return { jsonrpc: "2.0", id, result: result ?? {} };
  } catch (error) {
    return { jsonrpc: "2.0", id, error: toRpcError(error) };
  }
}

/** The native engine's error shape: the CLI shows data.message, prefixed by data.error_code. */
function toRpcError(error) {
  const message = error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error);
  const code = typeof error === "object" && error !== null ? (error.error_code ?? error.code) : undefined;
  const meta = typeof error === "object" && error !== null ? error.meta : undefined;
  return {
    code: 4466,
    message: "An error happened. Check the data field for details.",
    data: { is_panic: false, message, ...(typeof code === "string" ? { error_code: code } : {}), ...(meta ? { meta } : {}) },
  };
}

if (args.cli) {
  process.exit(runCliCommand(args.cli));
} else {
  await serveJsonRpc();
}
