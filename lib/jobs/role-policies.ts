import "server-only";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { dataDir } from "../env";
import { AppError } from "../errors";
import type { ActorPolicy } from "../pipeline/backends/sim/actor";
import type { EditorPolicy } from "../pipeline/backends/sim/editor-policy";
import { loadActorPolicy, loadEditorPolicy } from "../pipeline/training/checkpoint";

/**
 * The embedded Actor's and Editor's policies a web run may pick (settings.actorPolicy,
 * settings.editorPolicy): the two built in, and the checkpoints of that role in the server's folder
 * RIG_CHECKPOINTS (default <RIG_DATA_DIR>/checkpoints), each `<name>.json` or
 * `<name>/checkpoint.json` (what `rig train actor|editor --out <folder>/<name>` writes).
 * Requests name a policy; paths never come from a request.
 */
export const BUILT_IN_POLICIES = ["heuristic", "uniform"] as const;

export type TrainedRole = "actor" | "editor";

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

/** The role a checkpoint file trains (its "kind"), or null when it is not a readable checkpoint. */
function roleOf(file: string): TrainedRole | null {
  try {
    const kind = (JSON.parse(readFileSync(file, "utf8")) as { kind?: unknown }).kind;
    return kind === "actor" || kind === "editor" ? kind : null;
  } catch {
    return null;
  }
}

export function listRolePolicies(role: TrainedRole): string[] {
  const folder = checkpointsFolder();
  if (!existsSync(folder)) return [...BUILT_IN_POLICIES];
  const names = readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = entry.isFile() && entry.name.endsWith(".json") ? path.join(folder, entry.name) : entry.isDirectory() ? path.join(folder, entry.name, "checkpoint.json") : null;
    if (!file || !existsSync(file) || roleOf(file) !== role) return [];
    return [entry.isFile() ? entry.name.slice(0, -".json".length) : entry.name];
  });
  return [...BUILT_IN_POLICIES, ...names.filter((name) => !(BUILT_IN_POLICIES as readonly string[]).includes(name)).sort()];
}

const field = (role: TrainedRole) => `settings.${role}Policy`;

/** A 400 naming settings.actorPolicy (editorPolicy) when the name is neither built in nor a checkpoint of that role on the server. */
export function assertRolePolicy(role: TrainedRole, name: string | undefined): void {
  if (name === undefined || (BUILT_IN_POLICIES as readonly string[]).includes(name)) return;
  const file = checkpointFile(name);
  if (file && roleOf(file) === role) return;
  throw new AppError("bad_request:settings", `${field(role)}: no policy "${name}"; available: ${listRolePolicies(role).join(", ")}`);
}

async function resolveRolePolicy<P>(role: TrainedRole, name: string, load: (name: string) => Promise<P>): Promise<P> {
  if ((BUILT_IN_POLICIES as readonly string[]).includes(name)) return load(name);
  const file = checkpointFile(name);
  if (!file) throw new Error(`${field(role)}: the checkpoint "${name}" is no longer on the server`);
  try {
    return await load(file);
  } catch (error) {
    // The message names the file's path, which stays on the server.
    throw new Error(`${field(role)}: the checkpoint "${name}" cannot be read: ${(error as Error).message.replaceAll(file, name)}`);
  }
}

export const resolveActorPolicy = (name: string): Promise<ActorPolicy> => resolveRolePolicy("actor", name, loadActorPolicy);
export const resolveEditorPolicy = (name: string): Promise<EditorPolicy> => resolveRolePolicy("editor", name, loadEditorPolicy);
