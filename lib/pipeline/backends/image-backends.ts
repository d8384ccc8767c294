import { z } from "zod";
import { a1111OptionsSchema, createA1111Diffuser, createA1111Editor } from "./a1111";
import type { BackendKind } from "./capabilities";
import { comfyuiOptionsSchema, createComfyUIDiffuser, createComfyUIEditor } from "./comfyui";
import { ConfigError, type ResolvedRoleSpec } from "./config";
import { createOpenAIImagesDiffuser, createOpenAIImagesEditor, openaiImagesOptionsSchema, type BackendDeps } from "./openai-images";
import type { ImageBackendFactory, ResolveContext } from "./registry";

/**
 * The built-in image back ends (Diffuser and Editor), as factories the registry starts with. A
 * role's config becomes the adapter's options: `baseURL`, `model`, `timeoutMs` and `maxRetries`
 * from the role, everything else from its `options`, and the secret from the variable the role
 * names in `apiKeyEnv` (the OpenAI images API key; the AUTOMATIC1111 Basic-auth password, with
 * `options.username`). The options are validated with the adapter's zod schema, and a bad field
 * is a ConfigError naming the profile's role and field.
 */
function validated<T extends z.ZodType>(schema: T, spec: ResolvedRoleSpec, raw: Record<string, unknown>): z.input<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${spec.role} (${spec.backend}): ${issue.path.length ? `options.${issue.path.join(".")}` : "options"}: ${issue.message}`);
    throw new ConfigError([...new Set(lines)].join("\n"));
  }
  // The adapters parse again (their defaults apply there); hand over the input, not the output.
  return raw as z.input<T>;
}

function depsOf(context: ResolveContext): BackendDeps {
  return context.fetch ? { fetch: context.fetch as typeof globalThis.fetch } : {};
}

function common(spec: ResolvedRoleSpec): Record<string, unknown> {
  return { ...spec.options, baseURL: spec.baseURL, timeoutMs: spec.timeoutMs, maxRetries: spec.maxRetries };
}

const openaiImages: ImageBackendFactory = (spec, context) => {
  const options = validated(openaiImagesOptionsSchema, spec, { ...common(spec), model: spec.model, ...(context.apiKey ? { apiKey: context.apiKey } : {}) });
  return spec.role === "editor" ? createOpenAIImagesEditor(options, depsOf(context)) : createOpenAIImagesDiffuser(options, depsOf(context));
};

const comfyui: ImageBackendFactory = (spec, context) => {
  if (spec.apiKeyEnv) throw new ConfigError(`${spec.role} (comfyui): ComfyUI takes no API key; remove apiKeyEnv`);
  const options = validated(comfyuiOptionsSchema, spec, { ...(spec.model ? { checkpoint: spec.model } : {}), ...common(spec) });
  return spec.role === "editor" ? createComfyUIEditor(options, depsOf(context)) : createComfyUIDiffuser(options, depsOf(context));
};

const a1111: ImageBackendFactory = (spec, context) => {
  const raw = common(spec);
  if (spec.model) raw.overrideSettings = { sd_model_checkpoint: spec.model, ...(raw.overrideSettings as Record<string, unknown> | undefined) };
  if (context.apiKey) {
    if (typeof raw.username !== "string") throw new ConfigError(`${spec.role} (a1111): apiKeyEnv holds the Basic-auth password; set options.username too`);
    raw.password = context.apiKey;
  }
  const options = validated(a1111OptionsSchema, spec, raw);
  return spec.role === "editor" ? createA1111Editor(options, depsOf(context)) : createA1111Diffuser(options, depsOf(context));
};

export const builtinImageBackends: [BackendKind, ImageBackendFactory][] = [
  ["openai-images", openaiImages],
  ["comfyui", comfyui],
  ["a1111", a1111],
];
