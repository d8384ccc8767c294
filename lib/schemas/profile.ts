import { z } from "zod";
import { backendKinds } from "../pipeline/backends/capabilities";
import { roleNameSchema } from "./run";

/**
 * GET /api/profiles: the back-end profiles of the server's rig.config.json as the browser may see
 * them. Names, descriptions, back-end kinds, models and capabilities only: the schemas are strict,
 * so a base URL, the name of a key's environment variable or a key can never slip into a response.
 */
export const backendKindSchema = z.enum(backendKinds);
export type BackendKindName = z.infer<typeof backendKindSchema>;

/** The capability catalogue's flat booleans for one role's back end. */
export const capabilitiesViewSchema = z
  .object({
    canEdit: z.boolean(),
    acceptsMask: z.boolean(),
    honorsSeed: z.boolean(),
    maxImagesPerCall: z.number().int().min(0),
    structuredOutput: z.boolean(),
  })
  .strict();
export type CapabilitiesView = z.infer<typeof capabilitiesViewSchema>;

export const profileRoleViewSchema = z
  .object({
    role: roleNameSchema,
    backend: backendKindSchema,
    model: z.string().nullable(),
    capabilities: capabilitiesViewSchema,
  })
  .strict();
export type ProfileRoleView = z.infer<typeof profileRoleViewSchema>;

export const profileViewSchema = z
  .object({
    name: z.string(),
    description: z.string().nullable(),
    /** Every role, in loop order; roles the config leaves out run on the embedded world. */
    roles: z.array(profileRoleViewSchema),
    /** Why runs on this profile would fail now (e.g. a key it needs is not set on the server); empty when ready. */
    problems: z.array(z.string()),
  })
  .strict();
export type ProfileView = z.infer<typeof profileViewSchema>;

export const profileListResponseSchema = z
  .object({
    /** The config's defaultProfile, or "sim". */
    defaultProfile: z.string(),
    /** "sim" first. */
    profiles: z.array(profileViewSchema),
    /** Set when rig.config.json cannot be read or is invalid: only "sim" is listed then. */
    configError: z.string().nullable(),
    /** What settings.actorPolicy may name: "heuristic", "uniform" and the server's checkpoints. */
    actorPolicies: z.array(z.string()),
    /** What settings.editorPolicy may name, likewise. */
    editorPolicies: z.array(z.string()),
  })
  .strict();
export type ProfileListResponse = z.infer<typeof profileListResponseSchema>;
