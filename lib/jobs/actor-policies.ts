import "server-only";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { dataDir } from "../env";
import { AppError } from "../errors";
import type { ActorPolicy } from "../pipeline/backends/sim/actor";
import { loadActorPolicy } from "../pipeline/training/checkpoint";

/**
 * The embedded Actor's policies a web run may pick (settings.actorPolicy): the two built in, and
 * the checkpoints in the server's folder RIG_CHECKPOINTS (default <RIG_DATA_DIR>/checkpoints), each
 * `<name>.json` or `<name>/checkpoint.json` (what `rig train actor --out <folder>/<name>` writes).
 * Requests name a policy; paths never come from a request.
 */
export const BUILT_IN_POLICIES = ["heuristic", "uniform"] as const;

function checkpointsFolder(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.RIG_CHECKPOINTS ?? path.join(dataDir(), "checkpoints"));
}

function checkpointFile(name: string): string | null {
  const folder = checkpointsFolder();
  for (const candidate of [path.join(folder, `${name}.json`), path.join(folder, name, "checkpoint.json")]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export function listActorPolicies(): string[] {
  const folder = checkpointsFolder();
  if (!existsSync(folder)) return [...BUILT_IN_POLICIES];
  const names = readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isFile() && entry.name.endsWith(".json")) return [entry.name.slice(0, -".json".length)];
    if (entry.isDirectory() && existsSync(path.join(folder, entry.name, "checkpoint.json"))) return [entry.name];
    return [];
  });
  return [...BUILT_IN_POLICIES, ...names.filter((name) => !(BUILT_IN_POLICIES as readonly string[]).includes(name)).sort()];
}

/** A 400 naming settings.actorPolicy when the name is neither built in nor a checkpoint on the server. */
export function assertActorPolicy(name: string | undefined): void {
  if (name === undefined || (BUILT_IN_POLICIES as readonly string[]).includes(name) || checkpointFile(name)) return;
  throw new AppError("bad_request:settings", `settings.actorPolicy: no policy "${name}"; available: ${listActorPolicies().join(", ")}`);
}

export async function resolveActorPolicy(name: string): Promise<ActorPolicy> {
  if ((BUILT_IN_POLICIES as readonly string[]).includes(name)) return loadActorPolicy(name);
  const file = checkpointFile(name);
  if (!file) throw new Error(`settings.actorPolicy: the checkpoint "${name}" is no longer on the server`);
  try {
    return await loadActorPolicy(file);
  } catch (error) {
    // The message names the file's path, which stays on the server.
    throw new Error(`settings.actorPolicy: the checkpoint "${name}" cannot be read: ${(error as Error).message.replace(file, name)}`);
  }
}
