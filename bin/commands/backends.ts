import { z } from "zod";
import { CliError } from "../cli-error";
import { ConfigError, loadConfig, profileRoles, profilesOf, type ResolvedRoleSpec, type RigConfig } from "../../lib/pipeline/backends/config";
import { createHttpFetch, HttpTimeoutError, redactSecrets, type FetchFunction } from "../../lib/pipeline/backends/http";

/**
 * `rig backends`: the back-end profiles (roles, back end, model, base URL; never a secret, only the
 * name of the variable that holds it). `rig backends check [profile]`: calls each back end's
 * cheapest endpoint and reports reachable / model present / latency per role; one line per
 * failure and a non-zero exit when any fails.
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

interface ProbeResult {
  ok: boolean;
  detail: string;
  latencyMs?: number;
}

const modelList = z.object({ data: z.array(z.object({ id: z.string() })) });
const a1111Models = z.array(z.object({ title: z.string(), model_name: z.string() }));

/** The cheapest request each kind of back end answers, and what it says about the model. */
async function probe(spec: ResolvedRoleSpec, fetch: FetchFunction): Promise<ProbeResult> {
  if (spec.backend === "sim") return { ok: true, detail: "embedded, always available" };
  let apiKey: string | undefined;
  if (spec.apiKeyEnv) {
    apiKey = process.env[spec.apiKeyEnv];
    if (!apiKey) return { ok: false, detail: `environment variable ${spec.apiKeyEnv} is not set` };
  }
  const base = spec.baseURL!.replace(/\/+$/, "");
  const url =
    spec.backend === "comfyui" ? `${base}/system_stats` : spec.backend === "a1111" ? `${base}/sdapi/v1/sd-models` : `${base}/models`;
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(url, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
  } catch (error) {
    const reason = error instanceof HttpTimeoutError ? error.message : `${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause: Error }).cause.message})` : ""}`;
    return { ok: false, detail: `unreachable: ${reason}` };
  }
  const latencyMs = Math.round(performance.now() - started);
  const text = await response.text();
  if (!response.ok) {
    const message = (() => {
      try {
        const body = JSON.parse(text) as { error?: { message?: string } | string; detail?: string };
        return typeof body.error === "string" ? body.error : (body.error?.message ?? body.detail ?? text);
      } catch {
        return text;
      }
    })();
    return { ok: false, detail: `reachable but HTTP ${response.status} from ${url}: ${message.slice(0, 200)}`, latencyMs };
  }
  if (spec.backend === "comfyui") return { ok: true, detail: "reachable", latencyMs };
  let ids: string[];
  try {
    const json: unknown = JSON.parse(text);
    ids = spec.backend === "a1111" ? a1111Models.parse(json).flatMap((model) => [model.title, model.model_name]) : modelList.parse(json).data.map((model) => model.id);
  } catch {
    return { ok: false, detail: `reachable, but ${url} did not answer with a model list`, latencyMs };
  }
  if (!spec.model) return { ok: true, detail: `reachable, ${ids.length} model(s) listed`, latencyMs };
  if (ids.includes(spec.model)) return { ok: true, detail: "reachable, model present", latencyMs };
  const shown = ids.slice(0, 5).join(", ") + (ids.length > 5 ? ", ..." : "");
  return { ok: false, detail: `reachable, but model "${spec.model}" is not listed (listed: ${shown || "none"})`, latencyMs };
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
      const key = JSON.stringify([spec.backend, spec.baseURL, spec.model, spec.apiKeyEnv]);
      const fetch = createHttpFetch({ timeoutMs: Math.min(spec.timeoutMs, 15_000), maxRetries: 0, secrets });
      if (!cache.has(key)) cache.set(key, probe(spec, fetch));
      const result = await cache.get(key)!;
      const latency = result.latencyMs === undefined ? "" : `, ${result.latencyMs} ms`;
      const where = spec.backend === "sim" ? "sim" : `${spec.backend} ${spec.model ?? ""} ${spec.baseURL}`.replace(/\s+/g, " ");
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

