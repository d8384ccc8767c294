import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { backendKinds, capabilityCatalogue, inProcessBackends, type BackendKind } from "./capabilities";
import { roleNames, type RoleName } from "../roles/errors";

/**
 * Back-end profiles: one JSON file (`rig.config.json` at the repository root, or the path in
 * RIG_CONFIG). Each profile names, per role, a back end, a model, a base URL and options. Secrets
 * never live in the file: a role names the environment variable that holds its key
 * (`"apiKeyEnv": "OPENAI_API_KEY"`), and anything that looks like a literal key is rejected.
 * A built-in profile "sim" (the embedded CPU world for every role) always exists.
 */
/** Environment variables (process.env, or a test's own). */
export type Env = Readonly<Record<string, string | undefined>>;

export { roleNames };

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the name of an environment variable, e.g. OPENAI_API_KEY");

export const roleBackendSchema = z
  .object({
    backend: z.enum(backendKinds, { error: `must be one of ${backendKinds.join(", ")}` }),
    model: z.string().trim().min(1).optional(),
    baseURL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    apiKeyEnv: envName.optional(),
    timeoutMs: z.number().int().positive().max(3_600_000).default(120_000),
    maxRetries: z.number().int().min(0).max(10).default(2),
    /** Attempts at a schema-valid answer (the validation error is fed back between them). */
    maxValidationAttempts: z.number().int().min(1).max(10).default(3),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type RoleBackendConfig = z.infer<typeof roleBackendSchema>;

/**
 * Who grades a profile's evaluations (see backends/scorer.ts): "oracle" (the embedded world's
 * record of what it drew; needs the sim Diffuser and Editor), "checker" (the loop's own Checker:
 * self-graded, and reported as such), or the name of another profile, whose Checker grades.
 */
export const scorerChoiceSchema = z.string().regex(/^[A-Za-z0-9._-]+$/, `must be "oracle", "checker" or a profile name`);

const profileSchema = z
  .object({
    description: z.string().optional(),
    scorer: scorerChoiceSchema.optional(),
    roles: z
      .object(Object.fromEntries(roleNames.map((role) => [role, roleBackendSchema.optional()])) as Record<RoleName, z.ZodOptional<typeof roleBackendSchema>>)
      .strict(),
  })
  .strict()
  .superRefine((profile, ctx) => {
    for (const role of roleNames) {
      const spec = profile.roles[role];
      if (!spec) continue;
      if (!capabilityCatalogue[spec.backend].roles.includes(role)) {
        const serving = backendKinds.filter((kind) => capabilityCatalogue[kind].roles.includes(role));
        ctx.addIssue({ code: "custom", path: ["roles", role, "backend"], message: `"${spec.backend}" cannot serve the ${role}; back ends for it: ${serving.join(", ")}` });
      }
      if (!inProcessBackends.includes(spec.backend)) {
        if (!spec.model && spec.backend === "openai-compatible") ctx.addIssue({ code: "custom", path: ["roles", role, "model"], message: "is required" });
        if (!spec.baseURL) ctx.addIssue({ code: "custom", path: ["roles", role, "baseURL"], message: "is required" });
      }
    }
  });

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    defaultProfile: z.string().optional(),
    profiles: z.record(z.string().regex(/^[A-Za-z0-9._-]+$/, "profile names use letters, digits, . _ -"), profileSchema).default({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.profiles.sim) ctx.addIssue({ code: "custom", path: ["profiles", "sim"], message: `"sim" is the built-in profile; choose another name` });
    if (config.defaultProfile && config.defaultProfile !== "sim" && !config.profiles[config.defaultProfile]) {
      ctx.addIssue({ code: "custom", path: ["defaultProfile"], message: `no profile "${config.defaultProfile}"` });
    }
    for (const [name, profile] of Object.entries(config.profiles)) {
      const scorer = profile.scorer;
      if (!scorer || scorer === "oracle" || scorer === "checker" || scorer === "sim" || config.profiles[scorer]) continue;
      ctx.addIssue({ code: "custom", path: ["profiles", name, "scorer"], message: `no profile "${scorer}" (use "oracle", "checker" or a profile name)` });
    }
  });

export type RigConfig = z.infer<typeof configSchema>;
export type Profile = z.infer<typeof profileSchema>;
export interface ResolvedRoleSpec extends RoleBackendConfig {
  role: RoleName;
}

/** Field names that would hold a secret; the config must name an environment variable instead. */
const secretField = /^(api[-_]?key|key|token|secret|password|passwd|authorization|auth|bearer|access[-_]?token)$/i;
/** Values shaped like keys: OpenAI/Anthropic style prefixes, Bearer headers, long opaque tokens. */
const secretValue = /^(sk-|sk_|pk-|rk-|hf_|gsk_|xai-|AIza)[A-Za-z0-9_-]{8,}|^Bearer\s|^[A-Za-z0-9+/_-]{40,}={0,2}$/;

function findLiteralSecrets(value: unknown, at: (string | number)[] = []): { path: (string | number)[]; message: string }[] {
  if (typeof value === "string") {
    return secretValue.test(value.trim()) ? [{ path: at, message: "looks like a literal secret; put it in an environment variable and name it with apiKeyEnv" }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => findLiteralSecrets(item, [...at, index]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) =>
      secretField.test(key) && item !== undefined
        ? [{ path: [...at, key], message: `secrets are not allowed in the config; name the environment variable with "apiKeyEnv" instead` }]
        : findLiteralSecrets(item, [...at, key]),
    );
  }
  return [];
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** The built-in profile: every role on the embedded CPU world. */
export const simProfile: Profile = {
  description: "embedded CPU world (simulator) for every role",
  roles: Object.fromEntries(roleNames.map((role) => [role, roleBackendSchema.parse({ backend: "sim" })])) as Profile["roles"],
};

export function parseConfig(raw: unknown, source = "config"): RigConfig {
  // Secrets first and always: a literal key is reported even when the rest of the file is wrong.
  const secrets = findLiteralSecrets(raw);
  const parsed = configSchema.safeParse(raw);
  const issues = [...secrets, ...(parsed.success ? [] : parsed.error.issues)];
  if (issues.length > 0 || !parsed.success) {
    const lines = issues.map((issue) => `${source}: ${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`);
    throw new ConfigError([...new Set(lines)].join("\n"));
  }
  return parsed.data;
}

export function configPath(env: Env = process.env, root = process.cwd()): string {
  return env.RIG_CONFIG ? path.resolve(root, env.RIG_CONFIG) : path.join(root, "rig.config.json");
}

/** Reads the config; a missing default file means "only the built-in profile", a missing RIG_CONFIG file is an error. */
export async function loadConfig(options: { env?: Env; root?: string } = {}): Promise<RigConfig> {
  const env = options.env ?? process.env;
  const file = configPath(env, options.root);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" && !env.RIG_CONFIG) return parseConfig({});
    throw new ConfigError(`${file}: cannot read: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(raw, file);
}

/** All profiles, the built-in "sim" first. */
export function profilesOf(config: RigConfig): Record<string, Profile> {
  return { sim: simProfile, ...config.profiles };
}

/** Every role of a profile, with unnamed roles on the embedded world. */
export function profileRoles(config: RigConfig, name: string): ResolvedRoleSpec[] {
  const profile = profileNamed(config, name);
  return roleNames.map((role) => ({ role, ...(profile.roles[role] ?? roleBackendSchema.parse({ backend: "sim" })) }));
}

export function profileNamed(config: RigConfig, name: string): Profile {
  const profiles = profilesOf(config);
  const profile = profiles[name];
  if (!profile) throw new ConfigError(`unknown profile "${name}"; profiles: ${Object.keys(profiles).join(", ")}`);
  return profile;
}

export type { BackendKind };
