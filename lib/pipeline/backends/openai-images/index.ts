import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { APICallError, generateImage, type ImageModel } from "ai";
import { z } from "zod";
import type { RasterImage } from "../../image/raster";
import { RoleError, type RoleName } from "../../roles/errors";
import type { Diffuser, Editor, RoleCallOptions, RoleResult } from "../../roles/types";
import {
  checkMask,
  decodeImageBytes,
  fitToSize,
  httpStatusError,
  maskToTransparent,
  redact,
  systemClock,
  withDeadline,
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
    if (o.honorsSeed) body.seed = call.seed;
    else warnings.push(`${BACKEND} (${o.model}) does not honour seeds; seed ${call.seed} was not sent`);
    const secrets = [o.apiKey];
    return withDeadline(role, BACKEND, { timeoutMs: o.timeoutMs, clock: this.deps.clock, signal: call.signal, secrets }, async (signal) => {
      let result;
      try {
        result = await generateImage({
          model: this.model,
          prompt,
          n: 1,
          size: `${size.width}x${size.height}`,
          providerOptions: { [PROVIDER]: body as Record<string, never> },
          maxRetries: o.maxRetries,
          abortSignal: signal,
        });
      } catch (error) {
        if (signal.aborted) throw error;
        throw mapSdkError(role, error, secrets);
      }
      for (const warning of result.warnings) warnings.push(`${BACKEND}: ${describeWarning(warning)}`);
      const file = result.images[0];
      if (!file) throw new RoleError(role, "model_output_invalid", `${BACKEND} returned no image`, true);
      const image = await decodeImageBytes(role, BACKEND, file.uint8Array);
      return fitToSize(image, size.width, size.height, BACKEND, warnings);
    });
  }
}

function describeWarning(warning: unknown): string {
  if (warning && typeof warning === "object") {
    const w = warning as { type?: string; feature?: string; setting?: string; details?: string; message?: string };
    if (w.type === "other" && w.message) return w.message;
    return [`${w.type ?? "warning"}: ${w.feature ?? w.setting ?? ""}`.trim(), w.details].filter(Boolean).join(" - ");
  }
  return String(warning);
}

/** APICallError (possibly inside a RetryError) -> RoleError; malformed answers -> model_output_invalid. */
function mapSdkError(role: RoleName, error: unknown, secrets: readonly (string | undefined)[]): RoleError {
  const last = (error as { lastError?: unknown } | null)?.lastError ?? error;
  if (APICallError.isInstance(last)) {
    if (last.statusCode !== undefined && last.statusCode >= 200 && last.statusCode < 300) {
      return new RoleError(role, "model_output_invalid", `${BACKEND} returned an invalid answer: ${redact(last.message, secrets).slice(0, 300)}`, true, { cause: last });
    }
    if (last.statusCode !== undefined) return httpStatusError(role, BACKEND, last.statusCode, last.responseBody ?? "", secrets);
    return new RoleError(role, "backend_unavailable", `${BACKEND} could not be reached: ${redact(last.message, secrets)}`, true, { cause: last });
  }
  const message = redact(last instanceof Error ? last.message : String(last), secrets);
  return new RoleError(role, "model_output_invalid", `${BACKEND} returned an invalid answer: ${message.slice(0, 300)}`, true, { cause: last });
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
