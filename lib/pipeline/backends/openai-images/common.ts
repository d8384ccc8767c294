import sharp from "sharp";
import { z } from "zod";
import { decodeImage, encodePng } from "../../image/png";
import type { RasterImage } from "../../image/raster";
import { RoleError, type RoleName } from "../../roles/errors";
import type { RoleCallOptions } from "../../roles/types";

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
