import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ImageModelV4, ImageModelV4CallOptions } from "@ai-sdk/provider";
import WebSocket from "ws";
import { z } from "zod";
import { encodePng } from "../../image/png";
import { RoleError, type RoleName } from "../../roles/errors";
import type { Diffuser, Editor, RoleCallOptions, RoleProgress } from "../../roles/types";
import {
  imageDiffuser,
  imageEditor,
  fetchJson,
  fileBytes,
  httpStatusError,
  runImageModelWithProgress,
  systemClock,
  type BackendDeps,
  type Clock,
} from "../openai-images/common";
import editWorkflow from "./workflows/edit.json";
import txt2imgWorkflow from "./workflows/txt2img.json";

/**
 * ComfyUI back end. Workflows are ComfyUI "API format" JSON (Save (API) in the UI) with named
 * placeholders: a string value that is exactly `"{{name}}"` is replaced by the value (keeping
 * numbers numbers), `{{name}}` inside a longer string by its text. Names: prompt, negative_prompt,
 * seed, width, height, steps, cfg, sampler, scheduler, denoise, checkpoint, input_image, mask.
 * Shipped: `workflows/txt2img.json` (text to image) and `workflows/edit.json` (img2img with a
 * noise mask; without a mask the whole image is repainted at `denoise`).
 *
 * One call: open `ws://host/ws?clientId=<id>`, upload the input image and mask with
 * `POST /upload/image` (multipart), `POST /prompt {prompt, client_id}`, follow the socket
 * (`progress` {value, max, node} -> the call's `onProgress` as {done: value, total: max, stage:
 * node id}; `executing` with node null or `execution_success` = done;
 * `execution_error` / `execution_interrupted` = failure), then `GET /history/{prompt_id}` and
 * `GET /view?filename=&subfolder=&type=` for the image. Abort or timeout closes the socket and
 * asks ComfyUI to drop the job (`POST /queue {delete}` and `POST /interrupt`).
 */
const workflowSchema = z.record(z.string(), z.object({ class_type: z.string(), inputs: z.record(z.string(), z.unknown()) }).passthrough());
export type ComfyUIWorkflow = z.infer<typeof workflowSchema>;

export const comfyuiOptionsSchema = z.object({
  /** e.g. "http://127.0.0.1:8188" */
  baseURL: z.string().url(),
  /** Checkpoint file name as ComfyUI lists it, e.g. "sd_xl_base_1.0.safetensors". */
  checkpoint: z.string().min(1).default("sd_xl_base_1.0.safetensors"),
  width: z.number().int().positive().default(1024),
  height: z.number().int().positive().default(1024),
  steps: z.number().int().positive().default(25),
  cfg: z.number().positive().default(7),
  sampler: z.string().default("euler"),
  scheduler: z.string().default("normal"),
  negativePrompt: z.string().default(""),
  denoise: z.number().min(0).max(1).default(0.6),
  /** Custom workflows: a path to an API-format JSON file or the workflow itself; default the shipped ones. */
  txt2imgWorkflow: z.union([z.string(), workflowSchema]).optional(),
  editWorkflow: z.union([z.string(), workflowSchema]).optional(),
  /** Node whose output images to take; default the first output with images. */
  outputNode: z.string().optional(),
  /** Extra placeholder values for custom workflows. */
  variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  timeoutMs: z.number().int().positive().default(600_000),
  maxRetries: z.number().int().min(0).max(5).default(0),
});
export type ComfyUIOptions = z.input<typeof comfyuiOptionsSchema>;
type Resolved = z.output<typeof comfyuiOptionsSchema>;

const BACKEND = "ComfyUI";

/** Fills `{{name}}` placeholders; fails loudly on a placeholder with no value. */
export function fillWorkflow(workflow: ComfyUIWorkflow, values: Record<string, string | number | boolean>): ComfyUIWorkflow {
  const fill = (value: unknown): unknown => {
    if (typeof value === "string") {
      const whole = /^\{\{(\w+)\}\}$/.exec(value);
      if (whole) return lookup(whole[1]!);
      return value.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => String(lookup(name)));
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  const lookup = (name: string) => {
    if (!(name in values)) throw new Error(`the workflow has a placeholder {{${name}}} with no value`);
    return values[name]!;
  };
  return fill(workflow) as ComfyUIWorkflow;
}

function loadWorkflow(source: string | ComfyUIWorkflow | undefined, shipped: unknown): ComfyUIWorkflow {
  if (source === undefined) return workflowSchema.parse(shipped);
  if (typeof source !== "string") return source;
  return workflowSchema.parse(JSON.parse(readFileSync(source, "utf8")));
}

const uploadResponseSchema = z.object({ name: z.string(), subfolder: z.string().default(""), type: z.string().default("input") });
const promptResponseSchema = z.object({ prompt_id: z.string(), number: z.number().optional(), node_errors: z.record(z.string(), z.unknown()).optional() });
const imageRefSchema = z.object({ filename: z.string(), subfolder: z.string().default(""), type: z.string().default("output") });
const historySchema = z.record(
  z.string(),
  z.object({
    outputs: z.record(z.string(), z.object({ images: z.array(imageRefSchema).optional() }).passthrough()),
    status: z.object({ status_str: z.string().optional(), completed: z.boolean().optional() }).passthrough().optional(),
  }).passthrough(),
);
const wsMessageSchema = z.object({ type: z.string(), data: z.record(z.string(), z.unknown()).default({}) });

/** The AI SDK image model for a ComfyUI server: one `doGenerate` running one workflow. */
export class ComfyUIImageModel implements ImageModelV4 {
  readonly specificationVersion = "v4" as const;
  readonly provider = "comfyui";
  readonly maxImagesPerCall = 1;
  readonly supportsFileInputs = true;
  readonly supportsMaskInputs = true;
  private readonly base: string;

  constructor(
    readonly modelId: string,
    private readonly options: Resolved,
    private readonly workflows: { txt2img: ComfyUIWorkflow; edit: ComfyUIWorkflow },
    private readonly role: RoleName,
    private readonly fetchImpl: typeof globalThis.fetch,
    /** Where this call's `progress` messages go (the role call's onProgress). */
    private readonly onProgress: (progress: RoleProgress) => void = () => {},
  ) {
    this.base = options.baseURL.replace(/\/+$/, "");
  }

  async doGenerate(call: ImageModelV4CallOptions) {
    const o = this.options;
    const signal = call.abortSignal ?? new AbortController().signal;
    const [width, height] = (call.size ?? `${o.width}x${o.height}`).split("x").map(Number) as [number, number];
    const clientId = randomUUID();
    const socket = await this.openSocket(clientId, signal);
    let promptId: string | undefined;
    try {
      const editing = call.files !== undefined && call.files.length > 0;
      const values: Record<string, string | number | boolean> = {
        ...o.variables,
        prompt: call.prompt ?? "",
        negative_prompt: o.negativePrompt,
        seed: call.seed ?? 0,
        width,
        height,
        steps: o.steps,
        cfg: o.cfg,
        sampler: o.sampler,
        scheduler: o.scheduler,
        denoise: o.denoise,
        checkpoint: o.checkpoint,
      };
      if (editing) {
        values.input_image = await this.upload(fileBytes(call.files![0]!), `rl-rig-${clientId}.png`, signal);
        values.mask = await this.upload(call.mask ? fileBytes(call.mask) : await whiteMask(width, height), `rl-rig-${clientId}-mask.png`, signal);
      }
      let workflow: ComfyUIWorkflow;
      try {
        workflow = fillWorkflow(editing ? this.workflows.edit : this.workflows.txt2img, values);
      } catch (error) {
        throw new RoleError(this.role, "invalid_input", (error as Error).message);
      }
      const queued = await fetchJson(
        this.role,
        BACKEND,
        this.fetchImpl,
        `${this.base}/prompt`,
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: workflow, client_id: clientId }), signal },
        promptResponseSchema,
        [],
      );
      promptId = queued.prompt_id;
      await this.waitUntilDone(socket, promptId, signal);
      const image = await this.fetchResult(promptId, signal);
      return { images: [image], warnings: [], response: { timestamp: new Date(), modelId: this.modelId, headers: undefined } };
    } catch (error) {
      if (signal.aborted && promptId) this.cancel(promptId);
      throw error;
    } finally {
      socket.close();
    }
  }

  private openSocket(clientId: string, signal: AbortSignal): Promise<WebSocket> {
    const url = `${this.base.replace(/^http/, "ws")}/ws?clientId=${encodeURIComponent(clientId)}`;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const onAbort = () => {
        socket.terminate();
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      socket.once("open", () => {
        signal.removeEventListener("abort", onAbort);
        resolve(socket);
      });
      socket.once("error", (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(new RoleError(this.role, "backend_unavailable", `${BACKEND} progress socket could not be opened: ${error.message}`, true, { cause: error }));
      });
    });
  }

  private waitUntilDone(socket: WebSocket, promptId: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const finish = (error?: unknown) => {
        socket.off("message", onMessage);
        socket.off("close", onClose);
        signal.removeEventListener("abort", onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = () => finish(signal.reason);
      const onClose = () => finish(new RoleError(this.role, "backend_unavailable", `${BACKEND} closed the progress socket before the job finished`, true));
      const onMessage = (raw: WebSocket.RawData, isBinary: boolean) => {
        if (isBinary) return; // live previews
        let parsed;
        try {
          parsed = wsMessageSchema.safeParse(JSON.parse(raw.toString()));
        } catch {
          return;
        }
        if (!parsed.success) return;
        const { type, data } = parsed.data;
        if (data.prompt_id !== undefined && data.prompt_id !== promptId) return;
        if (type === "progress") {
          const done = Number(data.value);
          const total = Number(data.max);
          if (Number.isFinite(done) && Number.isFinite(total)) this.onProgress({ done, total, ...(typeof data.node === "string" ? { stage: data.node } : {}) });
        } else if ((type === "executing" && data.node === null && data.prompt_id === promptId) || (type === "execution_success" && data.prompt_id === promptId)) {
          finish();
        } else if (type === "execution_error") {
          const where = [data.node_type, data.node_id].filter(Boolean).join(" ");
          finish(new RoleError(this.role, "backend_unavailable", `${BACKEND} failed to run the workflow${where ? ` at ${where}` : ""}: ${String(data.exception_message ?? data.exception_type ?? "unknown error").trim()}`, false));
        } else if (type === "execution_interrupted") {
          finish(new RoleError(this.role, "backend_unavailable", `${BACKEND} interrupted the job`, true));
        }
      };
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      socket.on("message", onMessage);
      socket.on("close", onClose);
    });
  }

  private async upload(bytes: Uint8Array, filename: string, signal: AbortSignal): Promise<string> {
    const form = new FormData();
    form.append("image", new Blob([new Uint8Array(bytes)], { type: "image/png" }), filename);
    form.append("type", "input");
    form.append("overwrite", "true");
    const uploaded = await fetchJson(this.role, BACKEND, this.fetchImpl, `${this.base}/upload/image`, { method: "POST", body: form, signal }, uploadResponseSchema, []);
    return uploaded.subfolder ? `${uploaded.subfolder}/${uploaded.name}` : uploaded.name;
  }

  private async fetchResult(promptId: string, signal: AbortSignal): Promise<Uint8Array> {
    const history = await fetchJson(this.role, BACKEND, this.fetchImpl, `${this.base}/history/${encodeURIComponent(promptId)}`, { signal }, historySchema, []);
    const entry = history[promptId];
    if (!entry) throw new RoleError(this.role, "model_output_invalid", `${BACKEND} has no history for prompt ${promptId}`, true);
    const outputs = this.options.outputNode ? [entry.outputs[this.options.outputNode]] : Object.values(entry.outputs);
    const ref = outputs.flatMap((output) => output?.images ?? [])[0];
    if (!ref) throw new RoleError(this.role, "model_output_invalid", `${BACKEND} finished prompt ${promptId} without an output image`, false);
    const query = new URLSearchParams({ filename: ref.filename, subfolder: ref.subfolder, type: ref.type });
    const response = await this.fetchImpl(`${this.base}/view?${query.toString()}`, { signal });
    if (!response.ok) throw httpStatusError(this.role, BACKEND, response.status, await response.text(), []);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Best effort: drop the job from the queue, or stop it if it is running. */
  private cancel(promptId: string): void {
    const post = (path: string, body: unknown) =>
      this.fetchImpl(`${this.base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(
        (r) => r.body?.cancel(),
        () => undefined,
      );
    void post("/queue", { delete: [promptId] });
    void post("/interrupt", { prompt_id: promptId });
  }
}

async function whiteMask(width: number, height: number): Promise<Uint8Array> {
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  return new Uint8Array(await encodePng({ width, height, data }));
}

class ComfyUIClient {
  readonly options: Resolved;
  private readonly workflows: { txt2img: ComfyUIWorkflow; edit: ComfyUIWorkflow };
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly clock: Clock;

  constructor(options: ComfyUIOptions, deps: BackendDeps = {}) {
    this.options = comfyuiOptionsSchema.parse(options);
    this.workflows = { txt2img: loadWorkflow(this.options.txt2imgWorkflow, txt2imgWorkflow), edit: loadWorkflow(this.options.editWorkflow, editWorkflow) };
    this.fetchImpl = deps.fetch ?? globalThis.fetch;
    this.clock = deps.clock ?? systemClock;
  }

  get name(): string {
    return `comfyui:${this.options.checkpoint}`;
  }

  /** One role call; the job's `progress` messages reach the call's onProgress until it settles. */
  run(role: RoleName, prompt: string | { images: Uint8Array[]; text: string; mask?: Uint8Array }, size: { width: number; height: number }, call: RoleCallOptions, warnings: string[]) {
    return runImageModelWithProgress({
      role,
      backend: BACKEND,
      model: (report) => new ComfyUIImageModel(this.name, this.options, this.workflows, role, this.fetchImpl, report),
      prompt,
      size,
      call,
      warnings,
      seed: call.seed,
      timeoutMs: this.options.timeoutMs,
      maxRetries: this.options.maxRetries,
      clock: this.clock,
      secrets: [],
    });
  }
}

export function createComfyUIDiffuser(options: ComfyUIOptions, deps?: BackendDeps): Diffuser {
  return imageDiffuser(new ComfyUIClient(options, deps));
}

/** The edit workflow on the current image; with a mask (light = repaint) only that area changes. Keeps the input size. */
export function createComfyUIEditor(options: ComfyUIOptions, deps?: BackendDeps): Editor {
  return imageEditor(new ComfyUIClient(options, deps));
}
