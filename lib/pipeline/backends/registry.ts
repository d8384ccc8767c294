import { z } from "zod";
import { capabilitiesOfSpec, capabilityCatalogue, type BackendCapabilities, type BackendKind } from "./capabilities";
import { ConfigError, loadConfig, profileRoles, type Env, type ResolvedRoleSpec, type RigConfig } from "./config";
import type { FetchFunction } from "./http";
import { builtinImageBackends } from "./image-backends";
import { createLocalDetectorChecker, createLocalDetectorJudge } from "./local-detector";
import { VlmActor, VlmChecker, VlmJudge, type VlmRoleOptions } from "./openai-compatible/roles";
import { createSimRoles, type SimWorldOptions } from "./sim";
import type { Diffuser, Editor, Roles } from "../roles/types";
import { withLatency } from "./sim/latency";

/**
 * Resolves a back-end profile to the five roles. "sim" roles come from one embedded world (shared
 * by every sim role of the profile); VLM roles (checker, actor, judge) from the OpenAI-compatible
 * adapters; image roles (diffuser, editor) from `imageBackendFactories`, which the image back ends
 * register into. A kind with no factory fails loudly, listing what exists.
 */
export interface ResolveContext {
  env: Env;
  fetch?: FetchFunction;
  sim?: SimWorldOptions;
  /** An existing embedded world for the profile's sim roles (the web worker shares one); default: a new one from `sim`. */
  simWorld?: Roles;
}

export type ImageBackendFactory = (spec: ResolvedRoleSpec, context: ResolveContext & { apiKey?: string }) => Diffuser | Editor;

/** kind -> factory for Diffuser/Editor back ends: the built-in ones (openai-images, comfyui, a1111) and any registered later. */
export const imageBackendFactories = new Map<BackendKind, ImageBackendFactory>(builtinImageBackends);

export function registerImageBackend(kind: BackendKind, factory: ImageBackendFactory): void {
  imageBackendFactories.set(kind, factory);
}

export interface ResolvedProfile {
  name: string;
  roles: Roles;
  /** Which back end serves each role ("sim", "openai-compatible:<model>", ...). */
  backends: Record<keyof Roles, string>;
  /** What each role's back end can do (capability catalogue), for the loop and the UI. */
  capabilities: Record<keyof Roles, BackendCapabilities>;
  /** Prompt versions of the VLM roles (e.g. { checker: "checker.v2" }), to record with a run. */
  promptVersions: Partial<Record<"checker" | "actor" | "judge", string>>;
}

/** The key a role uses, read from the environment variable its config names. */
export function apiKeyFor(spec: ResolvedRoleSpec, env: Env): string | undefined {
  if (!spec.apiKeyEnv) return undefined;
  const value = env[spec.apiKeyEnv];
  if (!value) throw new ConfigError(`${spec.role}: environment variable ${spec.apiKeyEnv} is not set (the profile names it in apiKeyEnv)`);
  return value;
}

function vlmOptions(spec: ResolvedRoleSpec, context: ResolveContext): VlmRoleOptions {
  const apiKey = apiKeyFor(spec, context.env);
  const temperature = spec.options.temperature;
  return {
    baseURL: spec.baseURL!,
    model: spec.model!,
    ...(apiKey ? { apiKey } : {}),
    timeoutMs: spec.timeoutMs,
    maxRetries: spec.maxRetries,
    maxValidationAttempts: spec.maxValidationAttempts,
    ...(typeof temperature === "number" ? { temperature } : {}),
    ...(context.fetch ? { fetch: context.fetch } : {}),
  };
}

const simLatencySchema = z.number().int().min(0).max(60_000).optional();

/** The sim role's optional `options.latencyMs` (see sim/latency.ts); a bad value names where it is. */
function simLatencyMs(profile: string, spec: ResolvedRoleSpec): number {
  const parsed = simLatencySchema.safeParse(spec.options.latencyMs);
  if (!parsed.success) throw new ConfigError(`profile "${profile}": ${spec.role}.options.latencyMs must be a whole number of milliseconds from 0 to 60000`);
  return parsed.data ?? 0;
}

export function resolveProfile(config: RigConfig, name: string, context: ResolveContext = { env: process.env }): ResolvedProfile {
  const specs = profileRoles(config, name);
  let sim: Roles | undefined;
  const simRoles = () => (sim ??= context.simWorld ?? createSimRoles(context.sim));
  const resolved: Partial<Roles> = {};
  const backends: Partial<Record<keyof Roles, string>> = {};
  const promptVersions: ResolvedProfile["promptVersions"] = {};
  const capabilities = Object.fromEntries(specs.map((spec) => [spec.role, capabilitiesOfSpec(spec)])) as ResolvedProfile["capabilities"];

  for (const spec of specs) {
    if (spec.backend === "sim") {
      Object.assign(resolved, { [spec.role]: withLatency(simRoles()[spec.role]!, simLatencyMs(name, spec)) });
      backends[spec.role] = "sim";
      continue;
    }
    if (!capabilityCatalogue[spec.backend].roles.includes(spec.role)) {
      throw new ConfigError(`profile "${name}": "${spec.backend}" cannot serve the ${spec.role}`);
    }
    backends[spec.role] = `${spec.backend}${spec.model ? `:${spec.model}` : ""}`;
    if (spec.backend === "local-detector") {
      // In-process COCO detector (Checker or Judge); TensorFlow.js loads on the first detection.
      if (spec.role === "judge") resolved.judge = createLocalDetectorJudge(spec.options);
      else resolved.checker = createLocalDetectorChecker(spec.options);
      continue;
    }
    if (spec.backend === "openai-compatible") {
      const options = vlmOptions(spec, context);
      const role = spec.role === "checker" ? new VlmChecker(options) : spec.role === "actor" ? new VlmActor(options) : new VlmJudge(options);
      promptVersions[spec.role as "checker" | "actor" | "judge"] = role.promptVersion;
      Object.assign(resolved, { [spec.role]: role });
      continue;
    }
    const factory = imageBackendFactories.get(spec.backend);
    if (!factory) {
      const available = ["sim", "openai-compatible (checker, actor, judge)", ...[...imageBackendFactories.keys()].map((kind) => `${kind} (diffuser, editor)`)];
      throw new ConfigError(`profile "${name}": no ${spec.role} back end "${spec.backend}" is registered; available: ${available.join(", ")}`);
    }
    const apiKey = apiKeyFor(spec, context.env);
    Object.assign(resolved, { [spec.role]: factory(spec, { ...context, ...(apiKey ? { apiKey } : {}) }) });
  }
  return {
    name,
    roles: resolved as Roles,
    backends: backends as Record<keyof Roles, string>,
    capabilities,
    promptVersions,
  };
}

/** Loads the config (rig.config.json or RIG_CONFIG) and resolves one profile. */
export async function resolveProfileByName(name: string, context: Partial<ResolveContext> & { root?: string } = {}): Promise<ResolvedProfile> {
  const env = context.env ?? process.env;
  const config = await loadConfig({ env, ...(context.root ? { root: context.root } : {}) });
  return resolveProfile(config, name, { ...context, env });
}
