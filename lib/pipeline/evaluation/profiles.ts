import { createSimRoles } from "../backends/sim";
import type { Roles } from "../roles/types";

/**
 * Back-end profiles an evaluation can run on, by name. A name (not a function) is what crosses to
 * a worker thread, where the profile's factory builds that worker's roles once. Only the embedded
 * world runs on worker threads; `rig eval` runs profiles from rig.config.json in one thread
 * (their roles wait on servers, not on the CPU).
 */
export const evaluationProfiles = {
  sim: (): Roles => createSimRoles(),
} satisfies Record<string, () => Roles | Promise<Roles>>;

export type EvaluationProfile = keyof typeof evaluationProfiles;

export function isEvaluationProfile(name: string): name is EvaluationProfile {
  return Object.hasOwn(evaluationProfiles, name);
}
