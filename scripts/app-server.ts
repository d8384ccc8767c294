/**
 * The product's web server for benchmarks: a throwaway production server (bin/server.ts) started
 * as its own process group, its output kept, and stopped again. Shared by bench:web and bench:faults.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let log: (message: string) => void = (message) => process.stderr.write(`[app-server] ${message}\n`);

/** Where progress lines go (each benchmark prefixes its own). */
export function setServerLog(write: (message: string) => void): void {
  log = write;
}

export interface Server {
  baseUrl: string;
  child: ChildProcess;
  /** Every line the server printed (stdout and stderr), with the time it arrived. */
  output: { at: number; stream: "stdout" | "stderr"; line: string }[];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export function runStep(label: string, command: string, args: string[], env: NodeJS.ProcessEnv): void {
  log(`${label}: ${command} ${args.join(" ")}`);
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: root, env, stdio: ["ignore", process.stderr, process.stderr] });
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status ?? result.signal})`);
  log(`${label}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

export async function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
  const port = await freePort();
  // The product's server (bin/server.ts); the benchmark is one client making many writes.
  const serverEnv = { ...env, RIG_PORT: String(port), RIG_HOST: "127.0.0.1", RIG_RATE_LIMIT_WRITES: "1000000" };
  const child = spawn("npx", ["tsx", "bin/server.ts"], { cwd: root, env: serverEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const server: Server = { baseUrl: `http://127.0.0.1:${port}`, child, output: [] };
  for (const stream of ["stdout", "stderr"] as const) {
    let rest = "";
    child[stream]!.on("data", (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) server.output.push({ at: Date.now(), stream, line });
    });
  }
  log(`starting bin/server.ts on port ${port}`);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (code ${child.exitCode}):\n${server.output.map((entry) => entry.line).join("\n")}`);
    try {
      const response = await fetch(server.baseUrl + "/api/runs?pageSize=1");
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error("the server did not answer within 120 s");
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal); // the whole process group: npx and next
    } catch {
      // already gone
    }
  };
  kill("SIGTERM");
  if ((await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)])) === false) {
    kill("SIGKILL");
    await Promise.race([exited, sleep(2_000)]);
  }
}

