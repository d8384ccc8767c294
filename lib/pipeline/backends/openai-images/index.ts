import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { ImageModel } from "ai";
import { z } from "zod";
import type { RasterImage } from "../../image/raster";
import type { RoleName } from "../../roles/errors";
import type { Diffuser, Editor, RoleCallOptions, RoleResult } from "../../roles/types";
import {
  checkMask,
  maskToTransparent,
  runImageModel,
  systemClock,
  type BackendDeps,
  type EditCallOptions,
} from "./common";
import { encodePng } from "../../image/png";

/**
 * OpenAI-compatible images API (OpenAI, LocalAI, vLLM-omni, LiteLLM, ...) through the AI SDK's
 * `generateImage`: `POST {baseURL}/images/generations` for the Diffuser and
 * `POST {baseURL}/images/edits` (multipart: the current image and an optional mask) for the Editor.
 * Images are asked for as `b64_json`. The API key comes only from these options (the caller reads
 * it from the environment) and never appears in an error.
 */
export const openaiImagesOptionsSchema = z.object({
  /** e.g. "https://api.openai.com/v1" or "http://127.0.0.1:8080/v1" */
  baseURL: z.string().url(),
  model: z.string().min(1),
  apiKey: z.string().min(1).optional(),
  width: z.number().int().positive().default(1024),
  height: z.number().int().positive().default(1024),
  /** Whether the service honours a `seed` body field; when false the seed is not sent and a warning says so. */
  honorsSeed: z.boolean().default(false),
  /** Whether the edits endpoint accepts `mask`; when false a given mask is dropped with a warning. */
  acceptsMask: z.boolean().default(true),
  /** `response_format` to ask for; null to omit (gpt-image-* always answer b64_json and reject the field). */
  responseFormat: z.literal("b64_json").nullable().default("b64_json"),
  /** Vendor knobs sent as body fields as they are (quality, style, background, ...). */
  extraBody: z.record(z.string(), z.unknown()).default({}),
  headers: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.number().int().positive().default(180_000),
  /** The AI SDK's own retries (with backoff) on retryable failures; 0 leaves retrying to the caller. */
  maxRetries: z.number().int().min(0).max(5).default(0),
});
export type OpenAIImagesOptions = z.input<typeof openaiImagesOptionsSchema>;
type Resolved = z.output<typeof openaiImagesOptionsSchema>;

const BACKEND = "OpenAI-compatible images API";
const PROVIDER = "rigimages";

class OpenAIImagesClient {
  readonly options: Resolved;
  private readonly model: ImageModel;
  private readonly deps: Required<BackendDeps>;

  constructor(options: OpenAIImagesOptions, deps: BackendDeps = {}) {
    this.options = openaiImagesOptionsSchema.parse(options);
    this.deps = { fetch: deps.fetch ?? globalThis.fetch, clock: deps.clock ?? systemClock };
    const provider = createOpenAICompatible({
      name: PROVIDER,
      baseURL: this.options.baseURL,
      ...(this.options.apiKey ? { apiKey: this.options.apiKey } : {}),
      headers: this.options.headers,
      fetch: this.deps.fetch,
    });
    this.model = provider.imageModel(this.options.model);
  }

  async call(
    role: RoleName,
    prompt: string | { images: Uint8Array[]; text: string; mask?: Uint8Array },
    size: { width: number; height: number },
    call: RoleCallOptions,
    warnings: string[],
  ): Promise<RasterImage> {
    const o = this.options;
    const body: Record<string, unknown> = { ...o.extraBody };
    if (o.responseFormat) body.response_format = o.responseFormat;
    // Without honorsSeed no seed is sent; the loop warns on the step (capability catalogue).
    if (o.honorsSeed) body.seed = call.seed;
    return runImageModel({
      role,
      backend: BACKEND,
      model: this.model,
      prompt,
      size,
      call,
      warnings,
      timeoutMs: o.timeoutMs,
      maxRetries: o.maxRetries,
      clock: this.deps.clock,
      secrets: [o.apiKey],
      providerOptions: { [PROVIDER]: body },
    });
  }
}

/** Text-to-image through `/images/generations`. */
export function createOpenAIImagesDiffuser(options: OpenAIImagesOptions, deps?: BackendDeps): Diffuser {
  const client = new OpenAIImagesClient(options, deps);
  return {
    name: `openai-images:${client.options.model}`,
    async generate(prompt: string, call: RoleCallOptions): Promise<RoleResult & { image: RasterImage }> {
      const warnings: string[] = [];
      const image = await client.call("diffuser", prompt, { width: client.options.width, height: client.options.height }, call, warnings);
      return { image, warnings };
    },
  };
}

/**
 * Instruction editing through `/images/edits` with the current image (PNG) and, when the call
 * carries one, a mask (light = repaint; sent in OpenAI's convention, transparent = edit). The
 * result keeps the input image's size.
 */
export function createOpenAIImagesEditor(options: OpenAIImagesOptions, deps?: BackendDeps): Editor {
  const client = new OpenAIImagesClient(options, deps);
  return {
    name: `openai-images:${client.options.model}`,
    async edit(image: RasterImage, instruction: string, call: EditCallOptions): Promise<RoleResult & { image: RasterImage }> {
      const warnings: string[] = [];
      checkMask("editor", image, call.mask);
      const images = [new Uint8Array(await encodePng(image))];
      let mask: Uint8Array | undefined;
      if (call.mask && client.options.acceptsMask) mask = new Uint8Array(await encodePng(maskToTransparent(call.mask)));
      else if (call.mask) warnings.push(`${BACKEND} (${client.options.model}) takes no mask; the whole image may change`);
      const prompt = { images, text: instruction, ...(mask ? { mask } : {}) };
      const edited = await client.call("editor", prompt, { width: image.width, height: image.height }, call, warnings);
      return { image: edited, warnings };
    },
  };
}

export type { BackendDeps, Clock, EditCallOptions } from "./common";
