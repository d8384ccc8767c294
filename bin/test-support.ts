import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

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
