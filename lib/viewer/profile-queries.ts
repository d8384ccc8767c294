import { queryOptions } from "@tanstack/react-query";
import { profileListResponseSchema, type ProfileListResponse, type ProfileView } from "../schemas/profile";
import type { RoleName } from "../schemas/run";
import { fetchApi } from "./api-client";

/**
 * GET /api/profiles for the settings forms, and what the forms say about a profile: which back end
 * serves each role, and the capability caveats (a role that does not honour seeds makes replays differ).
 */
export const profileQueries = {
  all: () => ["profiles"] as const,
  list: () =>
    queryOptions({
      queryKey: [...profileQueries.all(), "list"] as const,
      queryFn: async ({ signal }): Promise<ProfileListResponse> => {
        return profileListResponseSchema.parse(await fetchApi("/api/profiles", { signal }));
      },
      staleTime: 30_000,
    }),
};

/** "sim" or "openai-compatible · Qwen2.5-VL" for one role. */
export function describeRoleBackend(role: ProfileView["roles"][number]): string {
  return role.model ? `${role.backend} · ${role.model}` : role.backend;
}

/** Roles of a profile whose back end does not honour seeds (its runs cannot be replayed exactly). */
export function rolesIgnoringSeeds(profile: ProfileView | undefined): RoleName[] {
  return profile ? profile.roles.filter((role) => !role.capabilities.honorsSeed).map((role) => role.role) : [];
}

/** The note next to the seed field, or null when every role honours seeds. */
export function seedCaveat(profile: ProfileView | undefined): string | null {
  const roles = rolesIgnoringSeeds(profile);
  if (roles.length === 0) return null;
  return `${roles.join(", ")} ${roles.length === 1 ? "does" : "do"} not honour seeds: replays may differ`;
}

export function findProfile(list: ProfileListResponse | undefined, name: string): ProfileView | undefined {
  return list?.profiles.find((profile) => profile.name === name);
}
