import { APICallError, generateImage, type ImageModel } from "ai";
import sharp from "sharp";
import { z } from "zod";
import { decodeImage, encodePng } from "../../image/png";
import type { RasterImage } from "../../image/raster";
import { RoleError, type RoleName } from "../../roles/errors";
import type { Diffuser, Editor, RoleCallOptions, RoleProgress, RoleResult } from "../../roles/types";

/**
 * Helpers shared by the image back ends (OpenAI-compatible images, AUTOMATIC1111, ComfyUI):
 * deadlines on an injectable clock, abort linking, vendor error bodies parsed by zod, secret
 * redaction and PNG/base64 conversion. Nothing here talks to a particular vendor.
 */

/** The clock a back end uses for its timeouts; tests inject a fake one. */
export interface Clock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** What a factory takes besides its (serialisable, zod-validated) options. */
export interface BackendDeps {
  fetch?: typeof globalThis.fetch;
  clock?: Clock;
}

/**
 * An Editor call may carry a mask (same size as the image): light pixels (luminance > 127) mark
 * the area to repaint, dark pixels the area to keep. Back ends that take no mask ignore it with a
 * warning.
 */
export interface EditCallOptions extends RoleCallOptions {
  mask?: RasterImage;
}

/**
 * The call's `onProgress`, safe to hand to socket and timer callbacks: after `close()` (the role
 * call has settled) it reports nothing, as the RoleCallOptions contract promises. A listener that
 * throws is ignored: it runs inside a socket or timer callback, where a throw would not fail this
 * call but crash the process (the loop's listener never throws; it queues an event).
 */
function callProgress(call: RoleCallOptions): { report(progress: RoleProgress): void; close(): void } {
  let open = call.onProgress !== undefined;
  return {
    report(progress) {
      if (!open) return;
      try {
        call.onProgress?.(progress);
      } catch {
        // See above: progress is shown, never load-bearing.
      }
    },
    close() {
      open = false;
    },
  };
}

/** Removes every secret (API keys, passwords) from a text before it reaches an error or a log. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out;
}

/** Retryable HTTP statuses: request timeout, rate limit and every server error. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Error bodies of the services we speak to, tried in turn. */
const openaiErrorSchema = z.object({ error: z.object({ message: z.string() }).passthrough() }); // OpenAI and compatible; ComfyUI /prompt
const fastapiErrorSchema = z.object({ detail: z.union([z.string(), z.array(z.object({ msg: z.string() }).passthrough())]) }); // A1111
const a1111ErrorSchema = z.object({ error: z.string(), errors: z.string().nullish() }); // A1111 exception handler
const messageSchema = z.object({ message: z.string() });

/** The human-readable message in a vendor error body, or a short excerpt of the body. */
export function vendorErrorMessage(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return body.trim().slice(0, 300) || "(empty body)";
  }
  const openai = openaiErrorSchema.safeParse(json);
  if (openai.success) return openai.data.error.message;
  const a1111 = a1111ErrorSchema.safeParse(json);
  if (a1111.success) return [a1111.data.error, a1111.data.errors].filter(Boolean).join(": ");
  const fastapi = fastapiErrorSchema.safeParse(json);
  if (fastapi.success) return typeof fastapi.data.detail === "string" ? fastapi.data.detail : fastapi.data.detail.map((d) => d.msg).join("; ");
  const message = messageSchema.safeParse(json);
  if (message.success) return message.data.message;
  return JSON.stringify(json).slice(0, 300);
}

/** A RoleError for an HTTP failure answer, retryable on 408, 429 and 5xx. */
export function httpStatusError(role: RoleName, backend: string, status: number, body: string, secrets: readonly (string | undefined)[]): RoleError {
  const message = redact(vendorErrorMessage(body), secrets);
  return new RoleError(role, "backend_unavailable", `${backend} answered HTTP ${status}: ${message}`, isRetryableStatus(status));
}

/**
 * Runs `work` with a signal that aborts when the caller's signal aborts or after `timeoutMs` on
 * `clock`, and turns those two endings into typed RoleErrors ("aborted", "timeout" retryable).
 * Network failures (connection refused, reset) become retryable "backend_unavailable".
 */
export async function withDeadline<T>(
  role: RoleName,
  backend: string,
  options: { timeoutMs: number; clock: Clock; signal?: AbortSignal; secrets: readonly (string | undefined)[] },
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (options.signal?.aborted) throw new RoleError(role, "aborted", "the call was aborted");
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const timer = options.clock.setTimeout(() => {
    timedOut = true;
    controller.abort(new Error("timeout"));
  }, options.timeoutMs);
  try {
    return await work(controller.signal);
  } catch (error) {
    if (timedOut) throw new RoleError(role, "timeout", `${backend} gave no answer within ${options.timeoutMs} ms`, true, { cause: error });
    if (options.signal?.aborted) throw new RoleError(role, "aborted", "the call was aborted", false, { cause: error });
    if (error instanceof RoleError) throw error;
    const message = redact(error instanceof Error ? describeError(error) : String(error), options.secrets);
    throw new RoleError(role, "backend_unavailable", `${backend} could not be reached: ${message}`, true, { cause: error });
  } finally {
    options.clock.clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

function describeError(error: Error): string {
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`;
}

/** Decodes a base64 (or data URL) image answer; anything undecodable is the model's invalid output. */
export async function decodeBase64Image(role: RoleName, backend: string, base64: string): Promise<RasterImage> {
  const payload = base64.startsWith("data:") ? base64.slice(base64.indexOf(",") + 1) : base64;
  try {
    return await decodeImage(Buffer.from(payload, "base64"));
  } catch (error) {
    throw new RoleError(role, "model_output_invalid", `${backend} returned an image that could not be decoded`, true, { cause: error });
  }
}

export async function decodeImageBytes(role: RoleName, backend: string, bytes: Uint8Array): Promise<RasterImage> {
  try {
    return await decodeImage(bytes);
  } catch (error) {
    throw new RoleError(role, "model_output_invalid", `${backend} returned an image that could not be decoded`, true, { cause: error });
  }
}

export async function toBase64Png(image: RasterImage): Promise<string> {
  return (await encodePng(image)).toString("base64");
}

/** Resizes to the requested size when the service answered with another one, with a warning. */
export async function fitToSize(image: RasterImage, width: number, height: number, backend: string, warnings: string[]): Promise<RasterImage> {
  if (image.width === width && image.height === height) return image;
  warnings.push(`${backend} returned ${image.width}x${image.height} instead of ${width}x${height}; the image was resized`);
  const { data, info } = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 4 },
  })
    .resize(width, height, { fit: "fill" })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
}

/** Mask in rl-rig's convention (light = repaint) as a black/white RGBA image of the given size. */
export function maskToBlackWhite(mask: RasterImage): RasterImage {
  const data = new Uint8ClampedArray(mask.width * mask.height * 4);
  for (let i = 0; i < mask.width * mask.height; i++) {
    const value = isRepaint(mask, i) ? 255 : 0;
    data[i * 4] = value;
    data[i * 4 + 1] = value;
    data[i * 4 + 2] = value;
    data[i * 4 + 3] = 255;
  }
  return { width: mask.width, height: mask.height, data };
}

/** Mask in OpenAI's convention: fully transparent where the image should be edited. */
export function maskToTransparent(mask: RasterImage): RasterImage {
  const data = new Uint8ClampedArray(mask.width * mask.height * 4);
  for (let i = 0; i < mask.width * mask.height; i++) data[i * 4 + 3] = isRepaint(mask, i) ? 0 : 255;
  return { width: mask.width, height: mask.height, data };
}

function isRepaint(mask: RasterImage, pixel: number): boolean {
  const r = mask.data[pixel * 4] ?? 0;
  const g = mask.data[pixel * 4 + 1] ?? 0;
  const b = mask.data[pixel * 4 + 2] ?? 0;
  return 0.299 * r + 0.587 * g + 0.114 * b > 127;
}

/** Checks a mask against the image it belongs to. */
export function checkMask(role: RoleName, image: RasterImage, mask: RasterImage | undefined): void {
  if (mask && (mask.width !== image.width || mask.height !== image.height)) {
    throw new RoleError(role, "invalid_input", `the mask is ${mask.width}x${mask.height} but the image is ${image.width}x${image.height}`);
  }
}

/**
 * The one path every image back end takes: `generateImage` on an AI SDK image model (a provider's,
 * or one of our adapters implementing `doGenerate`), under a deadline, with the first image
 * decoded, fitted to `size`, and SDK warnings turned into strings.
 */
export async function runImageModel(args: {
  role: RoleName;
  backend: string;
  model: ImageModel;
  prompt: string | { images: Uint8Array[]; text: string; mask?: Uint8Array };
  size: { width: number; height: number };
  call: RoleCallOptions;
  warnings: string[];
  timeoutMs: number;
  maxRetries: number;
  clock: Clock;
  secrets: readonly (string | undefined)[];
  seed?: number;
  providerOptions?: Record<string, Record<string, unknown>>;
}): Promise<RasterImage> {
  const { role, backend, secrets, warnings } = args;
  return withDeadline(role, backend, { timeoutMs: args.timeoutMs, clock: args.clock, signal: args.call.signal, secrets }, async (signal) => {
    let result;
    try {
      result = await generateImage({
        model: args.model,
        prompt: args.prompt,
        n: 1,
        size: `${args.size.width}x${args.size.height}`,
        ...(args.seed !== undefined ? { seed: args.seed } : {}),
        providerOptions: (args.providerOptions ?? {}) as Record<string, Record<string, never>>,
        maxRetries: args.maxRetries,
        abortSignal: signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw mapSdkError(role, backend, error, secrets);
    }
    for (const warning of result.warnings) warnings.push(`${backend}: ${describeWarning(warning)}`);
    const file = result.images[0];
    if (!file) throw new RoleError(role, "model_output_invalid", `${backend} returned no image`, true);
    const image = await decodeImageBytes(role, backend, file.uint8Array);
    return fitToSize(image, args.size.width, args.size.height, backend, warnings);
  });
}

/**
 * `runImageModel` for a back end that reports progress while it works (ComfyUI's socket, A1111's
 * polling): `model` is built with the call's progress reporter (undefined when nobody listens),
 * and the reporter is closed when the call settles, so nothing is reported after it.
 */
export async function runImageModelWithProgress(
  args: Omit<Parameters<typeof runImageModel>[0], "model"> & { model: (report: ((progress: RoleProgress) => void) | undefined) => ImageModel },
): Promise<RasterImage> {
  const progress = callProgress(args.call);
  try {
    return await runImageModel({ ...args, model: args.model(args.call.onProgress ? progress.report : undefined) });
  } finally {
    progress.close();
  }
}

function describeWarning(warning: unknown): string {
  if (warning && typeof warning === "object") {
    const w = warning as { type?: string; feature?: string; details?: string; message?: string };
    if (w.type === "other" && w.message) return w.message;
    return [`${w.type ?? "warning"}: ${w.feature ?? ""}`.trim(), w.details].filter(Boolean).join(" - ");
  }
  return String(warning);
}

/** APICallError (possibly inside a RetryError) -> RoleError; malformed answers -> model_output_invalid. */
function mapSdkError(role: RoleName, backend: string, error: unknown, secrets: readonly (string | undefined)[]): RoleError {
  const last = (error as { lastError?: unknown } | null)?.lastError ?? error;
  if (last instanceof RoleError) return last;
  if (APICallError.isInstance(last)) {
    if (last.statusCode !== undefined && last.statusCode >= 200 && last.statusCode < 300) {
      return new RoleError(role, "model_output_invalid", `${backend} returned an invalid answer: ${redact(last.message, secrets).slice(0, 300)}`, true, { cause: last });
    }
    if (last.statusCode !== undefined) return httpStatusError(role, backend, last.statusCode, last.responseBody ?? "", secrets);
    return new RoleError(role, "backend_unavailable", `${backend} could not be reached: ${redact(last.message, secrets)}`, true, { cause: last });
  }
  const message = redact(last instanceof Error ? last.message : String(last), secrets);
  return new RoleError(role, "model_output_invalid", `${backend} returned an invalid answer: ${message.slice(0, 300)}`, true, { cause: last });
}

/**
 * Fetches JSON from a vendor endpoint: non-2xx answers become RoleErrors from the vendor's error
 * body (retryable on 408, 429, 5xx), bodies that are not JSON or fail `schema` become
 * model_output_invalid. Abort and timeout are handled by the caller's `withDeadline`.
 */
export async function fetchJson<T>(
  role: RoleName,
  backend: string,
  fetchImpl: typeof globalThis.fetch,
  url: string,
  init: RequestInit,
  schema: z.ZodType<T>,
  secrets: readonly (string | undefined)[],
): Promise<T> {
  const response = await fetchImpl(url, init);
  const text = await response.text();
  if (!response.ok) throw httpStatusError(role, backend, response.status, text, secrets);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RoleError(role, "model_output_invalid", `${backend} answered ${new URL(url).pathname} with something that is not JSON: ${redact(text.slice(0, 120), secrets)}`, true);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new RoleError(role, "model_output_invalid", `${backend} answered ${new URL(url).pathname} in an unexpected shape: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ").slice(0, 300)}`, true);
  }
  return parsed.data;
}

/** The bytes of an AI SDK image file part (our adapters get inline data only). */
export function fileBytes(file: { type: "file"; data: string | Uint8Array } | { type: "url"; url: string }): Uint8Array {
  if (file.type === "url") throw new Error("image URLs are not supported by this back end");
  return typeof file.data === "string" ? new Uint8Array(Buffer.from(file.data, "base64")) : file.data;
}

/** A back end that turns a prompt (text, or images + text + mask) into one image; what the role wrappers below need. */
export interface ImageModelClient {
  readonly name: string;
  readonly options: { width: number; height: number };
  run(
    role: RoleName,
    prompt: string | { images: Uint8Array[]; text: string; mask?: Uint8Array },
    size: { width: number; height: number },
    call: RoleCallOptions,
    warnings: string[],
  ): Promise<RasterImage>;
}

/** The Diffuser role over an image back end: text in, one image of the configured size out. */
export function imageDiffuser(client: ImageModelClient): Diffuser {
  return {
    name: client.name,
    async generate(prompt: string, call: RoleCallOptions): Promise<RoleResult & { image: RasterImage }> {
      const warnings: string[] = [];
      const image = await client.run("diffuser", prompt, { width: client.options.width, height: client.options.height }, call, warnings);
      return { image, warnings };
    },
  };
}

/**
 * The Editor role over an image back end: the current image (and an optional mask, light =
 * repaint, sent as black and white) with the instruction; the result keeps the input's size.
 */
export function imageEditor(client: ImageModelClient): Editor {
  return {
    name: client.name,
    async edit(image: RasterImage, instruction: string, call: EditCallOptions): Promise<RoleResult & { image: RasterImage }> {
      checkMask("editor", image, call.mask);
      const warnings: string[] = [];
      const images = [new Uint8Array(await encodePng(image))];
      const mask = call.mask ? new Uint8Array(await encodePng(maskToBlackWhite(call.mask))) : undefined;
      const edited = await client.run("editor", { images, text: instruction, ...(mask ? { mask } : {}) }, { width: image.width, height: image.height }, call, warnings);
      return { image: edited, warnings };
    },
  };
}
