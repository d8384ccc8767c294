import { CliError } from "../cli-error";
import { probeBackend, type ProbeResult } from "./backend-probes";
import { ConfigError, loadConfig, profileRoles, profilesOf, type ResolvedRoleSpec, type RigConfig } from "../../lib/pipeline/backends/config";
import { createHttpFetch, redactSecrets } from "../../lib/pipeline/backends/http";

/**
 * `rig backends`: the back-end profiles (roles, back end, model, base URL; never a secret, only the
 * name of the variable that holds it). `rig backends check [profile]`: calls each back end's
 * cheapest endpoint (backend-probes.ts) and reports reachable / model present / latency per role;
 * one line per failure and a non-zero exit when any fails.
 */
async function config(): Promise<RigConfig> {
  try {
    return await loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

const pad = (text: string, width: number) => text.padEnd(width);

function keyNote(spec: ResolvedRoleSpec): string {
  if (!spec.apiKeyEnv) return "";
  return `key from $${spec.apiKeyEnv} (${process.env[spec.apiKeyEnv] ? "set" : "not set"})`;
}

export async function backendsListCommand(): Promise<void> {
  const loaded = await config();
  const lines: string[] = [];
  for (const [name, profile] of Object.entries(profilesOf(loaded))) {
    lines.push(`${name}${profile.description ? ` - ${profile.description}` : ""}${name === (loaded.defaultProfile ?? "sim") ? " (default)" : ""}`);
    for (const spec of profileRoles(loaded, name)) {
      lines.push(`  ${[pad(spec.role, 9), pad(spec.backend, 18), pad(spec.model ?? "-", 30), pad(spec.baseURL ?? "-", 32), keyNote(spec)].join(" ").trimEnd()}`);
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

export async function backendsCheckCommand(profileName: string | undefined): Promise<void> {
  const loaded = await config();
  const names = profileName ? [profileName] : Object.keys(profilesOf(loaded));
  if (profileName && !profilesOf(loaded)[profileName]) {
    throw new CliError(`unknown profile "${profileName}"; profiles: ${Object.keys(profilesOf(loaded)).join(", ")}`);
  }
  const secrets = Object.values(profilesOf(loaded))
    .flatMap((profile) => Object.values(profile.roles).map((spec) => spec?.apiKeyEnv))
    .flatMap((name) => (name && process.env[name] ? [process.env[name]] : []));
  // One probe per distinct endpoint: roles served by the same server share it.
  const cache = new Map<string, Promise<ProbeResult>>();
  let failures = 0;
  for (const name of names) {
    process.stdout.write(`${name}\n`);
    for (const spec of profileRoles(loaded, name)) {
      const key = JSON.stringify([spec.backend, spec.baseURL, spec.model, spec.apiKeyEnv, spec.options]);
      const fetch = createHttpFetch({ timeoutMs: Math.min(spec.timeoutMs, 15_000), maxRetries: 0, secrets });
      if (!cache.has(key)) cache.set(key, probeBackend(spec, fetch, process.env));
      const result = await cache.get(key)!;
      const latency = result.latencyMs === undefined ? "" : `, ${result.latencyMs} ms`;
      const where = spec.baseURL === undefined ? spec.backend : `${spec.backend} ${spec.model ?? ""} ${spec.baseURL}`.replace(/\s+/g, " ");
      const line = `  ${pad(spec.role, 9)} ${result.ok ? "ok  " : "FAIL"} ${where}: ${result.detail}${latency}`;
      process.stdout.write(`${redactSecrets(line, secrets)}\n`);
      if (!result.ok) failures += 1;
    }
  }
  if (failures > 0) {
    process.stderr.write(`rig: ${failures} role(s) failed the check\n`);
    process.exitCode = 1;
  }
}

