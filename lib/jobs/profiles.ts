import "server-only";
import { listRolePolicies } from "./role-policies";
import { stat } from "node:fs/promises";
import path from "node:path";
import { capabilitiesOfSpec, type BackendKind } from "../pipeline/backends/capabilities";
import { configPath, loadConfig, parseConfig, profileRoles, profilesOf, type Env, type RigConfig } from "../pipeline/backends/config";
import { AppError } from "../errors";
import { profileListResponseSchema, type ProfileListResponse, type ProfileView } from "../schemas/profile";

/**
 * The server's back-end profiles (rig.config.json, or the file named by RIG_CONFIG) as the web app
 * sees them: read once and again whenever the file changes (its size and modification time), and
 * never fatal. A broken file leaves the built-in "sim" profile working and says what is wrong.
 * Only names, kinds, models and capabilities leave this module for the browser: never a base URL,
 * the name of a key's variable, or a key.
 */
export interface ProfileCatalogue {
  /** Null when the file cannot be read or is invalid (`error` says why). */
  config: RigConfig | null;
  /** The config problem, phrased for the browser (file name without its folder, no file content). */
  error: string | null;
  /** Changes whenever the file does: resolved profiles are cached per stamp. */
  stamp: string;
}

const emptyConfig = parseConfig({});
let cached: { stamp: string; catalogue: Promise<ProfileCatalogue> } | undefined;

async function stampOf(file: string): Promise<string> {
  try {
    const info = await stat(file);
    return `${file}:${info.size}:${info.mtimeMs}`;
  } catch (error) {
    return `${file}:${(error as NodeJS.ErrnoException).code ?? "unreadable"}`;
  }
}

/** The config, re-read when the file changed since the last call. */
export async function loadProfileCatalogue(env: Env = process.env): Promise<ProfileCatalogue> {
  const file = configPath(env);
  const stamp = `${await stampOf(file)}|${env.RIG_CONFIG ?? ""}`;
  if (cached?.stamp === stamp) return cached.catalogue;
  const catalogue = loadConfig({ env }).then(
    (config): ProfileCatalogue => ({ config, error: null, stamp }),
    (error: unknown): ProfileCatalogue => ({ config: null, error: publicConfigError(error, file), stamp }),
  );
  cached = { stamp, catalogue };
  return catalogue;
}

/**
 * A config error as the browser may read it: the file's own name instead of its absolute path, and
 * no quoted file content (V8's JSON errors quote the text around the fault, which could hold a key).
 */
export function publicConfigError(error: unknown, file: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .split(file)
    .join(path.basename(file))
    .replace(/not valid JSON: (.*)$/gm, (_match, detail: string) => {
      const position = /position (\d+)/.exec(detail);
      return `not valid JSON${position ? ` (at position ${position[1]})` : ""}`;
    });
}

/** Every profile name the server knows ("sim" first); only "sim" when the config is broken. */
export function profileNames(catalogue: ProfileCatalogue): string[] {
  return Object.keys(profilesOf(catalogue.config ?? emptyConfig));
}

export function defaultProfileOf(catalogue: ProfileCatalogue): string {
  return catalogue.config?.defaultProfile ?? "sim";
}

/** The back-end kinds serving a profile's roles (for per-kind evaluation concurrency); null when unknown. */
export function profileKinds(catalogue: ProfileCatalogue, name: string): BackendKind[] | null {
  if (name === "sim") return ["sim"];
  if (!catalogue.config || !profilesOf(catalogue.config)[name]) return null;
  return [...new Set(profileRoles(catalogue.config, name).map((spec) => spec.backend))];
}

function profileView(config: RigConfig, name: string, env: Env): ProfileView {
  const profile = profilesOf(config)[name]!;
  const specs = profileRoles(config, name);
  return {
    name,
    description: profile.description ?? null,
    roles: specs.map((spec) => {
      // The catalogue's, or what the role's options declare (e.g. an images server that honours seeds).
      const { canEdit, acceptsMask, honorsSeed, maxImagesPerCall, structuredOutput } = capabilitiesOfSpec(spec);
      return { role: spec.role, backend: spec.backend, model: spec.model ?? null, capabilities: { canEdit, acceptsMask, honorsSeed, maxImagesPerCall, structuredOutput } };
    }),
    problems: specs.flatMap((spec) => (spec.apiKeyEnv && !env[spec.apiKeyEnv] ? [`${spec.role}: the key it needs is not set on the server`] : [])),
  };
}

/** GET /api/profiles: validated against the strict response schema before it leaves. */
export async function listProfiles(env: Env = process.env): Promise<ProfileListResponse> {
  const catalogue = await loadProfileCatalogue(env);
  const config = catalogue.config ?? emptyConfig;
  return profileListResponseSchema.parse({
    defaultProfile: defaultProfileOf(catalogue),
    profiles: profileNames(catalogue).map((name) => profileView(config, name, env)),
    configError: catalogue.error,
    actorPolicies: listRolePolicies("actor"),
    editorPolicies: listRolePolicies("editor"),
  });
}

/**
 * The profile a new run or evaluation uses: the requested name, or the config's default. Throws a
 * 400 `bad_request:profile` naming settings.profile and the available profiles when it is unknown,
 * or carrying the config error when the file is broken (only "sim" works then).
 */
export async function chooseProfile(requested: string | undefined, env: Env = process.env): Promise<string> {
  if (requested === "sim") return "sim";
  const catalogue = await loadProfileCatalogue(env);
  const name = requested ?? defaultProfileOf(catalogue);
  if (name === "sim") return name;
  if (catalogue.error) {
    throw new AppError("bad_request:profile", `settings.profile: profile "${name}" cannot be used, the server's back-end config is broken (only "sim" works): ${catalogue.error}`);
  }
  const names = profileNames(catalogue);
  if (!names.includes(name)) throw new AppError("bad_request:profile", `settings.profile: unknown profile "${name}"; available profiles: ${names.join(", ")}`);
  return name;
}
