import { z } from "zod";
import type { Env, ResolvedRoleSpec } from "../../lib/pipeline/backends/config";
import { comfyuiOptionsSchema } from "../../lib/pipeline/backends/comfyui";
import { HttpTimeoutError, type FetchFunction } from "../../lib/pipeline/backends/http";
import { vendorErrorMessage } from "../../lib/pipeline/backends/openai-images/common";

/**
 * The cheapest requests that tell whether a role's back end will work: reachable (with the
 * credentials the profile configures), the model present, and the latency of the first request.
 *
 *   openai-compatible, openai-images  GET {baseURL}/models (Bearer key)              model in data[].id
 *   comfyui                           GET /system_stats, then GET /models/checkpoints  checkpoint listed
 *                                     (older servers: GET /object_info/CheckpointLoaderSimple)
 *   a1111                             GET /sdapi/v1/sd-models (HTTP Basic auth)       title or model_name
 *   local-detector                    in this process: weights present, model loads, one detection
 *   sim                               in this process, nothing to call
 */
export interface ProbeResult {
  ok: boolean;
  detail: string;
  latencyMs?: number;
}

type Fetched = { ok: true; json: unknown; latencyMs: number } | { ok: false; status?: number; result: ProbeResult };

function describeFailure(error: unknown): string {
  if (error instanceof HttpTimeoutError) return error.message;
  const cause = (error as { cause?: unknown }).cause;
  return `${(error as Error).message}${cause instanceof Error ? ` (${cause.message})` : ""}`;
}

async function getJson(fetch: FetchFunction, url: string, headers: Record<string, string>): Promise<Fetched> {
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(url, { headers });
  } catch (error) {
    return { ok: false, result: { ok: false, detail: `unreachable: ${describeFailure(error)}` } };
  }
  const latencyMs = Math.round(performance.now() - started);
  const text = await response.text();
  if (!response.ok) {
    return { ok: false, status: response.status, result: { ok: false, detail: `reachable but HTTP ${response.status} from ${url}: ${vendorErrorMessage(text).slice(0, 200)}`, latencyMs } };
  }
  try {
    return { ok: true, json: JSON.parse(text), latencyMs };
  } catch {
    return { ok: false, result: { ok: false, detail: `reachable, but ${url} did not answer with JSON`, latencyMs } };
  }
}

/** Whether `wanted` is among the names a server lists (`shown` is what to print when it is not). */
function modelVerdict(wanted: string | undefined, names: readonly string[], shown: readonly string[], noun: string, latencyMs: number): ProbeResult {
  if (!wanted) return { ok: true, detail: `reachable, ${shown.length} ${noun}(s) listed`, latencyMs };
  if (names.includes(wanted)) return { ok: true, detail: `reachable, ${noun} present`, latencyMs };
  const listed = shown.slice(0, 5).join(", ") + (shown.length > 5 ? ", ..." : "");
  return { ok: false, detail: `reachable, but ${noun} "${wanted}" is not listed (listed: ${listed || "none"})`, latencyMs };
}

const openaiModelList = z.object({ data: z.array(z.object({ id: z.string() })) });

async function probeOpenAI(spec: ResolvedRoleSpec, fetch: FetchFunction, apiKey: string | undefined): Promise<ProbeResult> {
  const url = `${base(spec)}/models`;
  const extra = spec.backend === "openai-images" ? z.record(z.string(), z.string()).catch({}).parse(spec.options.headers ?? {}) : {};
  const fetched = await getJson(fetch, url, { ...extra, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) });
  if (!fetched.ok) return fetched.result;
  const list = openaiModelList.safeParse(fetched.json);
  if (!list.success) return { ok: false, detail: `reachable, but ${url} did not answer with a model list`, latencyMs: fetched.latencyMs };
  const ids = list.data.data.map((model) => model.id);
  return modelVerdict(spec.model, ids, ids, "model", fetched.latencyMs);
}

const comfySystemStats = z.object({ system: z.object({ comfyui_version: z.string().optional() }).passthrough() });
const comfyCheckpointList = z.array(z.string());
/** `ckpt_name` is `[[names], {...}]` on older servers and `["COMBO", {options: [names]}]` on newer ones. */
const comfyCheckpointLoader = z.object({
  CheckpointLoaderSimple: z.object({
    input: z.object({
      required: z.object({
        ckpt_name: z.union([z.tuple([z.array(z.string())], z.unknown()), z.tuple([z.literal("COMBO"), z.object({ options: z.array(z.string()) })], z.unknown())]),
      }),
    }),
  }),
});

/** The checkpoint the role will ask for: the model, else options.checkpoint, else the shipped workflows' default (none for custom workflows). */
function comfyCheckpoint(spec: ResolvedRoleSpec): string | undefined {
  if (spec.model) return spec.model;
  const options = comfyuiOptionsSchema.safeParse({ ...spec.options, baseURL: spec.baseURL });
  if (!options.success) return undefined;
  const custom = options.data.txt2imgWorkflow !== undefined || options.data.editWorkflow !== undefined;
  return typeof spec.options.checkpoint === "string" || !custom ? options.data.checkpoint : undefined;
}

async function probeComfyUI(spec: ResolvedRoleSpec, fetch: FetchFunction): Promise<ProbeResult> {
  const url = `${base(spec)}/system_stats`;
  const stats = await getJson(fetch, url, {});
  if (!stats.ok) return stats.result;
  if (!comfySystemStats.safeParse(stats.json).success) return { ok: false, detail: `reachable, but ${url} did not answer like ComfyUI`, latencyMs: stats.latencyMs };
  let names: string[];
  const listed = await getJson(fetch, `${base(spec)}/models/checkpoints`, {});
  if (listed.ok) {
    const parsed = comfyCheckpointList.safeParse(listed.json);
    if (!parsed.success) return { ok: false, detail: `reachable, but /models/checkpoints did not answer with a list of names`, latencyMs: stats.latencyMs };
    names = parsed.data;
  } else if (listed.status === 404) {
    const info = await getJson(fetch, `${base(spec)}/object_info/CheckpointLoaderSimple`, {});
    if (!info.ok) return { ...info.result, latencyMs: stats.latencyMs };
    const parsed = comfyCheckpointLoader.safeParse(info.json);
    if (!parsed.success) return { ok: false, detail: "reachable, but /object_info/CheckpointLoaderSimple lists no checkpoints", latencyMs: stats.latencyMs };
    const choices = parsed.data.CheckpointLoaderSimple.input.required.ckpt_name;
    names = choices[0] === "COMBO" ? choices[1].options : choices[0];
  } else {
    return { ...listed.result, latencyMs: stats.latencyMs };
  }
  return modelVerdict(comfyCheckpoint(spec), names, names, "checkpoint", stats.latencyMs);
}

const a1111ModelList = z.array(z.object({ title: z.string(), model_name: z.string() }).passthrough());

async function probeA1111(spec: ResolvedRoleSpec, fetch: FetchFunction, password: string | undefined): Promise<ProbeResult> {
  const username = typeof spec.options.username === "string" ? spec.options.username : undefined;
  if (password !== undefined && !username) return { ok: false, detail: "apiKeyEnv holds the Basic-auth password; set options.username too" };
  const url = `${base(spec)}/sdapi/v1/sd-models`;
  const headers: Record<string, string> = username ? { authorization: `Basic ${Buffer.from(`${username}:${password ?? ""}`).toString("base64")}` } : {};
  const fetched = await getJson(fetch, url, headers);
  if (!fetched.ok) return fetched.result;
  const list = a1111ModelList.safeParse(fetched.json);
  if (!list.success) return { ok: false, detail: `reachable, but ${url} did not answer with a model list`, latencyMs: fetched.latencyMs };
  // sd_model_checkpoint accepts the title ("v1-5.safetensors [6ce0161689]"), the file name or the model name.
  const names = list.data.flatMap((model) => [model.title, model.title.replace(/\s*\[[0-9a-f]+\]$/i, ""), model.model_name]);
  return modelVerdict(spec.model, names, list.data.map((model) => model.title), "model", fetched.latencyMs);
}

function base(spec: ResolvedRoleSpec): string {
  return spec.baseURL!.replace(/\/+$/, "");
}

/** Probes one role's back end; `fetch` carries the timeout. Secrets come from `env` as the profile names them. */
export async function probeBackend(spec: ResolvedRoleSpec, fetch: FetchFunction, env: Env): Promise<ProbeResult> {
  if (spec.backend === "sim") return { ok: true, detail: "embedded, always available" };
  if (spec.backend === "local-detector") {
    // Imported here so that checking a profile without the detector never loads TensorFlow.js.
    const { probeLocalDetector } = await import("../../lib/pipeline/backends/local-detector/probe");
    const probed = await probeLocalDetector(spec.options);
    return probed.ok ? { ok: true, detail: `in-process, ${probed.detail}`, latencyMs: Math.round(probed.latencyMs) } : { ok: false, detail: probed.message };
  }
  let secret: string | undefined;
  if (spec.apiKeyEnv) {
    secret = env[spec.apiKeyEnv];
    if (!secret) return { ok: false, detail: `environment variable ${spec.apiKeyEnv} is not set` };
  }
  switch (spec.backend) {
    case "comfyui":
      return probeComfyUI(spec, fetch);
    case "a1111":
      return probeA1111(spec, fetch, secret);
    case "openai-compatible":
    case "openai-images":
      return probeOpenAI(spec, fetch, secret);
  }
}
