import { capabilityCatalogue, type BackendCapabilities } from "../backends/capabilities";
import type { RoleName } from "../roles/errors";
import type { Roles } from "../roles/types";

/**
 * What the loop does with the capability catalogue (`LoopDependencies.capabilities`, e.g. a
 * resolved profile's `capabilities`). A role left out is taken to be on the embedded world, which
 * honours everything, so callers that pass nothing (tests, the sim) see no change.
 *
 * - `roles`: a back end that cannot serve the role it was given fails the run at start.
 * - `canEdit: false` on the Editor fails the run at start (when the run may edit at all, i.e.
 *   maxIterations > 1). The alternative, regenerating with the Diffuser from the prompt plus the
 *   instruction, was rejected: it is a different algorithm that would still be recorded as edits
 *   (edit-end events, instructions on the steps), so trajectories and evaluations would silently
 *   stop being comparable, and the wasted GPU time comes before anyone reads a warning. No
 *   catalogued back end that can serve the Editor has canEdit false (the config refuses the
 *   others), so this is a misconfiguration or a custom back end, best caught before anything runs.
 * - `honorsSeed: false`: the call still gets its derived seed, and the step gets one warning per
 *   such role ("diffuser: <name> does not honour seeds; replaying this iteration may give another
 *   image"), in that call's warnings and the iteration record's.
 * - `acceptsMask`, `maxImagesPerCall`, `structuredOutput`: the loop sends no mask, asks for one
 *   image per call and leaves structured output to the VLM adapters, so nothing to do here.
 */
export type RoleCapabilities = Partial<Record<RoleName, BackendCapabilities>>;

/** A profile whose back ends cannot do what the run needs; thrown before `run-start`. */
export class CapabilityError extends Error {
  override name = "CapabilityError";
  constructor(
    readonly role: RoleName,
    message: string,
  ) {
    super(`${role}: ${message}`);
  }
}

function capabilitiesFor(capabilities: RoleCapabilities | undefined, role: RoleName): BackendCapabilities {
  return capabilities?.[role] ?? capabilityCatalogue.sim;
}

/** Throws a CapabilityError when a role's back end cannot do what this run will ask of it. */
export function assertCapabilities(roles: Roles, capabilities: RoleCapabilities | undefined, maxIterations: number): void {
  const used: RoleName[] = ["diffuser", "checker", ...(maxIterations > 1 ? (["actor", "editor"] as const) : []), ...(roles.judge ? (["judge"] as const) : [])];
  for (const role of used) {
    const name = roles[role]!.name;
    const can = capabilitiesFor(capabilities, role);
    if (!can.roles.includes(role)) throw new CapabilityError(role, `back end "${name}" cannot serve the ${role} (it serves: ${can.roles.join(", ")})`);
  }
  if (maxIterations > 1 && !capabilitiesFor(capabilities, "editor").canEdit) {
    const editing = Object.entries(capabilityCatalogue).flatMap(([kind, can]) => (can.roles.includes("editor") && can.canEdit ? [kind] : []));
    throw new CapabilityError(
      "editor",
      `back end "${roles.editor.name}" cannot edit images (canEdit: false), and every iteration after the first is an edit; use an Editor back end that can (${editing.join(", ")}), or run with maxIterations 1`,
    );
  }
}

/** The step's warning for a call whose back end ignores seeds, or undefined when seeds are honoured. */
export function seedWarning(role: RoleName, name: string, capabilities: RoleCapabilities | undefined): string | undefined {
  if (capabilitiesFor(capabilities, role).honorsSeed) return undefined;
  const [what, outcome] =
    role === "diffuser" || role === "editor" ? ["iteration", "image"] : role === "judge" ? ["judgement", "score"] : ["iteration", "answer"];
  return `${name} does not honour seeds; replaying this ${what} may give another ${outcome}`;
}
