import "server-only";
import type { BackendKind } from "../pipeline/backends/capabilities";
import { ConfigError, profileRoles, type Env, type ResolvedRoleSpec } from "../pipeline/backends/config";
import type { RoleCapabilities } from "../pipeline/loop/capabilities";
import type { Roles } from "../pipeline/roles/types";
import { SimOracleScorer } from "../pipeline/backends/sim/scorer";
import { defaultSpriteLibrary } from "../pipeline/backends/sim/world/sprite-library";
import type { Grader } from "../pipeline/evaluation/grade";
import { roleNames, type RunBackends } from "../schemas/run";
import { loadProfileCatalogue, profileKinds } from "./profiles";

/**
 * The worker's roles per back-end profile. "sim" never reads the config; other profiles are resolved
 * through the registry from rig.config.json (or RIG_CONFIG) and cached until the file changes. Every
 * role a profile leaves on the embedded world uses the worker's ONE sim world (its sprite library
 * caches decoded sprites). A profile that cannot be resolved (broken config, profile removed, key
 * variable not set) throws a ConfigError whose message says why; failures are not cached, so setting
 * the variable and retrying works without a restart.
 */
export interface RunRoles {
  roles: Roles;
  /** What to record with the run (names only, never URLs or keys). */
  backends: RunBackends;
  /** Back-end kinds serving the roles, for per-kind evaluation concurrency. */
  kinds: BackendKind[];
  /** What each role's back end can do, for the loop (seed warnings, refusing an Editor that cannot edit). */
  capabilities?: RoleCapabilities;
  /** Who grades the profile's evaluation items (backends/scorer.ts); undefined: self-graded. */
  grader?: Grader;
  /**
   * Replaces the profile's server addresses in a text (an error, a warning) with "<kind server>", for
   * what is stored and shown: the browser learns which back end failed, never where it is.
   */
  redact?: (text: string) => string;
}

/** See RunRoles.redact. Longest first, so a base URL goes before its origin and host. */
export function endpointRedactor(specs: readonly ResolvedRoleSpec[]): (text: string) => string {
  const replacements: Array<[string, string]> = [];
  for (const spec of specs) {
    if (!spec.baseURL) continue;
    const label = `<${spec.backend} server>`;
    const url = new URL(spec.baseURL);
    replacements.push([spec.baseURL.replace(/\/+$/, ""), label], [url.origin, label], [url.host, label]);
  }
  replacements.sort((a, b) => b[0].length - a[0].length);
  return (text) => replacements.reduce((redacted, [from, to]) => redacted.split(from).join(to), text);
}

export type ResolveRunRoles = (profile: string) => Promise<RunRoles>;

export class ProfileRoles {
  private sim: Roles | undefined;
  private readonly resolved = new Map<string, { stamp: string; roles: RunRoles }>();

  constructor(
    private readonly createSimRoles: () => Roles,
    private readonly env: Env = process.env,
  ) {}

  /** The embedded world's roles, created once. */
  simRoles(): Roles {
    this.sim ??= this.createSimRoles();
    return this.sim;
  }

  async forProfile(name: string): Promise<RunRoles> {
    if (name === "sim") {
      return {
        roles: this.simRoles(),
        backends: { profile: "sim", roles: Object.fromEntries(roleNames.map((role) => [role, "sim"])), promptVersions: {} },
        kinds: ["sim"],
        grader: { scorer: new SimOracleScorer(defaultSpriteLibrary()), scoredBy: "oracle" },
      };
    }
    const catalogue = await loadProfileCatalogue(this.env);
    if (!catalogue.config) throw new ConfigError(`profile "${name}": the back-end config is broken: ${catalogue.error}`);
    const hit = this.resolved.get(name);
    if (hit?.stamp === catalogue.stamp) return hit.roles;
    let profile;
    let grader: Grader;
    try {
      // Loaded on first use: the real back ends (AI SDK, image adapters, TensorFlow for the local
      // detector) stay out of sim-only processes, and a back-end module that cannot load fails
      // only the runs that need it.
      const { resolveProfile } = await import("../pipeline/backends/registry");
      const { resolveScorer } = await import("../pipeline/backends/scorer");
      // The profile's sim roles are this worker's one world (wrapped, e.g. in a profile's latency).
      profile = resolveProfile(catalogue.config, name, { env: this.env, simWorld: this.simRoles() });
      grader = resolveScorer(catalogue.config, name, { env: this.env });
    } catch (error) {
      if (error instanceof ConfigError) throw new ConfigError(`profile "${name}": ${error.message}`);
      throw error;
    }
    const resolved: RunRoles = {
      roles: profile.roles,
      backends: { profile: name, roles: { ...profile.backends }, promptVersions: { ...profile.promptVersions } },
      kinds: profileKinds(catalogue, name) ?? [],
      capabilities: { ...profile.capabilities },
      grader,
      redact: endpointRedactor(profileRoles(catalogue.config, name)),
    };
    this.resolved.set(name, { stamp: catalogue.stamp, roles: resolved });
    return resolved;
  }

  /** The kinds a profile runs on, without resolving it; [] when the profile is unknown (its runs fail fast). */
  async kindsOf(name: string): Promise<BackendKind[]> {
    if (name === "sim") return ["sim"];
    return profileKinds(await loadProfileCatalogue(this.env), name) ?? [];
  }
}
