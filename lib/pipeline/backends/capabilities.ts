/**
 * What each kind of back end can do, as flat booleans (and one number). The loop and the UI read
 * these; anything finer comes back as warnings on the step.
 */
export interface BackendCapabilities {
  /** Which roles it can serve. */
  roles: readonly ("diffuser" | "checker" | "actor" | "editor" | "judge")[];
  canEdit: boolean;
  acceptsMask: boolean;
  honorsSeed: boolean;
  maxImagesPerCall: number;
  /** Honours a JSON schema for structured output (VLM roles). */
  structuredOutput: boolean;
}

export const backendKinds = ["sim", "openai-compatible", "openai-images", "comfyui", "a1111", "local-detector"] as const;
export type BackendKind = (typeof backendKinds)[number];

export const capabilityCatalogue: Record<BackendKind, BackendCapabilities> = {
  sim: {
    roles: ["diffuser", "checker", "actor", "editor", "judge"],
    canEdit: true,
    acceptsMask: false,
    honorsSeed: true,
    maxImagesPerCall: 1,
    structuredOutput: true,
  },
  "openai-compatible": {
    roles: ["checker", "actor", "judge"],
    canEdit: false,
    acceptsMask: false,
    honorsSeed: false,
    maxImagesPerCall: 0,
    structuredOutput: true,
  },
  "openai-images": {
    roles: ["diffuser", "editor"],
    canEdit: true,
    acceptsMask: true,
    honorsSeed: false,
    maxImagesPerCall: 10,
    structuredOutput: false,
  },
  comfyui: {
    roles: ["diffuser", "editor"],
    canEdit: true,
    acceptsMask: true,
    honorsSeed: true,
    maxImagesPerCall: 1,
    structuredOutput: false,
  },
  a1111: {
    roles: ["diffuser", "editor"],
    canEdit: true,
    acceptsMask: true,
    honorsSeed: true,
    maxImagesPerCall: 8,
    structuredOutput: false,
  },
  /** A pretrained COCO detector running in-process on the CPU (no server, no baseURL). */
  "local-detector": {
    roles: ["checker", "judge"],
    canEdit: false,
    acceptsMask: false,
    honorsSeed: true,
    maxImagesPerCall: 1,
    structuredOutput: true,
  },
};

/** Back ends that run in this process and need no baseURL. */
export const inProcessBackends: readonly BackendKind[] = ["sim", "local-detector"];

/**
 * The catalogue's capabilities of a role's back end, except where the role's own options say
 * otherwise: an OpenAI-compatible images server that honours seeds is configured with
 * `"options": { "honorsSeed": true }`, and the loop should then not warn about seeds.
 */
export function capabilitiesOfSpec(spec: { backend: BackendKind; options: Readonly<Record<string, unknown>> }): BackendCapabilities {
  const declared = spec.options;
  return {
    ...capabilityCatalogue[spec.backend],
    ...(typeof declared.honorsSeed === "boolean" ? { honorsSeed: declared.honorsSeed } : {}),
    ...(typeof declared.acceptsMask === "boolean" ? { acceptsMask: declared.acceptsMask } : {}),
  };
}
