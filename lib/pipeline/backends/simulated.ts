import { roleNames, type RoleName } from "../roles/errors";

/**
 * Which roles of a run ran on the embedded CPU world. Its procedural images and pixel-reading
 * Checker say how the loop behaves, not how a real model scores, so every table that shows its
 * numbers says so (issue 15: label the simulator wherever its figures appear). Browser-safe.
 */
export function simulatedRoles(backends: Partial<Record<RoleName, string>>): RoleName[] {
  return roleNames.filter((role) => backends[role] === "sim");
}

/** Every role on the embedded world: what the built-in "sim" profile resolves to. */
export const allSimBackends: Record<RoleName, string> = Object.fromEntries(roleNames.map((role) => [role, "sim"])) as Record<RoleName, string>;

/** The line printed under a table of figures, or null when no role ran on the simulator. */
export function simulatorNotice(backends: Partial<Record<RoleName, string>>): string | null {
  const roles = simulatedRoles(backends);
  if (roles.length === 0) return null;
  const which = roles.length === roleNames.length ? "every role" : roles.join(", ");
  return `SIMULATED: ${which} ran on rl-rig's embedded CPU world (procedural images, no real model); these figures measure the loop, not a text-to-image model.`;
}
