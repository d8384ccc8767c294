import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";

/** The CLI as a user runs it: a separate process, its exit code, stdout and stderr. */
const run = promisify(execFile);
export const repository = path.resolve(import.meta.dirname, "..");

export async function rig(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return rigWithEnv({}, ...args);
}

/** `rig` with extra environment variables (e.g. RIG_CONFIG pointing at a test's config file). */
export async function rigWithEnv(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "bin/rig.ts", ...args], { cwd: repository, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

/** A usage or input error as the CLI must give it: non-zero exit, nothing on stdout, one line on stderr, no stack. */
export function expectOneLineError(result: { code: number; stdout: string; stderr: string }, message: RegExp): void {
  expect(result.code).not.toBe(0);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}
