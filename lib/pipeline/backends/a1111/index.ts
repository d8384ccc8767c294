import type { ImageModelV4, ImageModelV4CallOptions } from "@ai-sdk/provider";
import { z } from "zod";
import type { RoleName } from "../../roles/errors";
import type { Diffuser, Editor, RoleCallOptions, RoleProgress } from "../../roles/types";
import {
  imageDiffuser,
  imageEditor,
  fetchJson,
  fileBytes,
  runImageModelWithProgress,
  systemClock,
  type BackendDeps,
  type Clock,
} from "../openai-images/common";

/**
 * AUTOMATIC1111 / Forge web UI API (start it with `--api`): `POST /sdapi/v1/txt2img` for the
 * Diffuser and `POST /sdapi/v1/img2img` with `init_images` (base64 PNG), an optional `mask`
 * (white = repaint) and `denoising_strength` for the Editor. The answer's `images[0]` is a base64
 * PNG. Optional HTTP Basic auth (`--api-auth user:password`). The adapter implements the AI SDK's
 * image model contract (one `doGenerate`) and the roles call it through `generateImage`.
 *
 * Progress: while a call works, `GET /sdapi/v1/progress?skip_current_image=true` is polled every
 * `progressIntervalMs` (0: never) and `state.sampling_step` of `state.sampling_steps` goes to the
 * call's onProgress (stage "sampling") whenever a job is running (`state.job_count` > 0) and the
 * step changed since the last report. Best
 * effort: a failed poll is skipped. A1111 runs one job at a time and reports that one, which is
 * ours unless another client shares the server.
 */
export const a1111OptionsSchema = z.object({
  /** e.g. "http://127.0.0.1:7860" */
  baseURL: z.string().url(),
  username: z.string().min(1).optional(),
  password: z.string().optional(),
  width: z.number().int().positive().default(512),
  height: z.number().int().positive().default(512),
  steps: z.number().int().positive().default(25),
  cfgScale: z.number().positive().default(7),
  samplerName: z.string().optional(),
  negativePrompt: z.string().default(""),
  /** img2img: how far the edit may move away from the current image (0 keeps it, 1 ignores it). */
  denoisingStrength: z.number().min(0).max(1).default(0.6),
  /** img2img with a mask: blur of the mask edge in pixels. */
  maskBlur: z.number().int().min(0).default(4),
  /** img2img with a mask: 0 fill, 1 original, 2 latent noise, 3 latent nothing. */
  inpaintingFill: z.number().int().min(0).max(3).default(1),
  /** e.g. { "sd_model_checkpoint": "sd_xl_base_1.0" }; applied for this call only. */
  overrideSettings: z.record(z.string(), z.unknown()).default({}),
  /** Vendor knobs sent as body fields as they are (scheduler, hr options, ...). */
  extraBody: z.record(z.string(), z.unknown()).default({}),
  timeoutMs: z.number().int().positive().default(300_000),
  maxRetries: z.number().int().min(0).max(5).default(0),
  /** How often to poll /sdapi/v1/progress during a call; 0 turns polling off. */
  progressIntervalMs: z.number().int().min(0).default(1000),
});
export type A1111Options = z.input<typeof a1111OptionsSchema>;
type Resolved = z.output<typeof a1111OptionsSchema>;

const BACKEND = "AUTOMATIC1111";

/** The answer of txt2img and img2img: base64 PNGs, the parameters echoed, and an info JSON string. */
const a1111ImageResponseSchema = z.object({
  images: z.array(z.string()).min(1),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  info: z.string().nullish(),
});

/** The part of `GET /sdapi/v1/progress` we read (the rest: progress 0..1, eta_relative, textinfo, current_image). */
const a1111ProgressSchema = z.object({
  state: z.object({ job_count: z.number(), sampling_step: z.number(), sampling_steps: z.number() }).passthrough(),
});

/** The AI SDK image model for an A1111/Forge server. */
export class A1111ImageModel implements ImageModelV4 {
  readonly specificationVersion = "v4" as const;
  readonly provider = "a1111";
  readonly maxImagesPerCall = 1;
  readonly supportsFileInputs = true;
  readonly supportsMaskInputs = true;

  constructor(
    readonly modelId: string,
    private readonly options: Resolved,
    private readonly role: RoleName,
    private readonly fetchImpl: typeof globalThis.fetch,
    private readonly clock: Clock = systemClock,
    /** Where this call's sampling progress goes (the role call's onProgress); none: no polling. */
    private readonly onProgress?: (progress: RoleProgress) => void,
  ) {}

  async doGenerate(call: ImageModelV4CallOptions) {
    const o = this.options;
    const [width, height] = (call.size ?? `${o.width}x${o.height}`).split("x").map(Number) as [number, number];
    const body: Record<string, unknown> = {
      prompt: call.prompt ?? "",
      negative_prompt: o.negativePrompt,
      seed: call.seed ?? -1,
      width,
      height,
      steps: o.steps,
      cfg_scale: o.cfgScale,
      batch_size: 1,
      n_iter: 1,
      send_images: true,
      save_images: false,
      ...(o.samplerName ? { sampler_name: o.samplerName } : {}),
      ...(Object.keys(o.overrideSettings).length ? { override_settings: o.overrideSettings, override_settings_restore_afterwards: true } : {}),
      ...o.extraBody,
    };
    const editing = call.files !== undefined && call.files.length > 0;
    if (editing) {
      body.init_images = call.files!.map((file) => Buffer.from(fileBytes(file)).toString("base64"));
      body.denoising_strength = o.denoisingStrength;
      if (call.mask) {
        body.mask = Buffer.from(fileBytes(call.mask)).toString("base64");
        body.mask_blur = o.maskBlur;
        body.inpainting_fill = o.inpaintingFill;
        body.inpainting_mask_invert = 0;
        body.inpaint_full_res = false;
      }
    }
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    if (o.username) headers.authorization = `Basic ${Buffer.from(`${o.username}:${o.password ?? ""}`).toString("base64")}`;
    const base = o.baseURL.replace(/\/+$/, "");
    const stopPolling = this.pollProgress(`${base}/sdapi/v1/progress?skip_current_image=true`, { accept: "application/json", ...(headers.authorization ? { authorization: headers.authorization } : {}) });
    let answer;
    try {
      answer = await fetchJson(
        this.role,
        BACKEND,
        this.fetchImpl,
        `${base}/sdapi/v1/${editing ? "img2img" : "txt2img"}`,
        { method: "POST", headers, body: JSON.stringify(body), ...(call.abortSignal ? { signal: call.abortSignal } : {}) },
        a1111ImageResponseSchema,
        [o.password],
      );
    } finally {
      stopPolling();
    }
    return {
      images: answer.images.slice(0, 1).map((image) => (image.startsWith("data:") ? image.slice(image.indexOf(",") + 1) : image)),
      warnings: [],
      response: { timestamp: new Date(), modelId: this.modelId, headers: undefined },
    };
  }

  /** Polls `url` until the returned stop function is called; see the progress note at the top. */
  private pollProgress(url: string, headers: Record<string, string>): () => void {
    const report = this.onProgress;
    const interval = this.options.progressIntervalMs;
    if (!report || interval === 0) return () => {};
    const controller = new AbortController();
    let timer: unknown;
    let last = "";
    const poll = async () => {
      try {
        const response = await this.fetchImpl(url, { headers, signal: controller.signal });
        if (!response.ok) {
          await response.body?.cancel();
        } else {
          const parsed = a1111ProgressSchema.safeParse(await response.json());
          const state = parsed.success ? parsed.data.state : undefined;
          const key = state && state.job_count > 0 && state.sampling_steps > 0 ? `${state.sampling_step}/${state.sampling_steps}` : last;
          if (state && key !== last && !controller.signal.aborted) {
            last = key;
            report({ done: state.sampling_step, total: state.sampling_steps, stage: "sampling" });
          }
        }
      } catch {
        // Best effort: a poll that fails (or is cut short by the end of the call) reports nothing.
      }
      if (!controller.signal.aborted) timer = this.clock.setTimeout(() => void poll(), interval);
    };
    timer = this.clock.setTimeout(() => void poll(), interval);
    return () => {
      controller.abort();
      this.clock.clearTimeout(timer);
    };
  }
}

class A1111Client {
  readonly options: Resolved;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly clock: Clock;

  constructor(options: A1111Options, deps: BackendDeps = {}) {
    this.options = a1111OptionsSchema.parse(options);
    this.fetchImpl = deps.fetch ?? globalThis.fetch;
    this.clock = deps.clock ?? systemClock;
  }

  get name(): string {
    const checkpoint = this.options.overrideSettings.sd_model_checkpoint;
    return `a1111${typeof checkpoint === "string" ? `:${checkpoint}` : ""}`;
  }

  /** One role call; sampling progress reaches the call's onProgress until it settles. */
  run(role: RoleName, prompt: string | { images: Uint8Array[]; text: string; mask?: Uint8Array }, size: { width: number; height: number }, call: RoleCallOptions, warnings: string[]) {
    return runImageModelWithProgress({
      role,
      backend: BACKEND,
      model: (report) => new A1111ImageModel(this.name, this.options, role, this.fetchImpl, this.clock, report),
      prompt,
      size,
      call,
      warnings,
      seed: call.seed,
      timeoutMs: this.options.timeoutMs,
      maxRetries: this.options.maxRetries,
      clock: this.clock,
      secrets: [this.options.password],
    });
  }
}

export function createA1111Diffuser(options: A1111Options, deps?: BackendDeps): Diffuser {
  return imageDiffuser(new A1111Client(options, deps));
}

/** img2img from the current image; with a mask (light = repaint) it inpaints only that area. Keeps the input size. */
export function createA1111Editor(options: A1111Options, deps?: BackendDeps): Editor {
  return imageEditor(new A1111Client(options, deps));
}
