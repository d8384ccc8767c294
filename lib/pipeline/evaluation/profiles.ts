import { createSimRoles } from "../backends/sim";
import { policyFromVector } from "../backends/sim/actor";
import { editorPolicyFromVector } from "../backends/sim/editor-policy";
import { SimOracleScorer } from "../backends/sim/scorer";
import type { Roles } from "../roles/types";
import type { Grader } from "./grade";

/** A profile's loop roles and the grader of its reported figures (never one of the loop's roles). */
export interface EvaluationRoles {
  roles: Roles;
  grader: Grader;
}

/**
 * Back-end profiles an evaluation can run on, by name. A name (not a function) is what crosses to
 * a worker thread, where the profile's factory builds that worker's roles once. Only the embedded
 * world runs on worker threads; `rig eval` runs profiles from rig.config.json in one thread
 * (their roles wait on servers, not on the CPU). The embedded world is graded by its oracle,
 * which reads the record that thread's world keeps of what it drew.
 */
export interface EvaluationProfileOptions {
  /** The sim Actor's policy as a vector (backends/sim/actor.ts policyVector); default the hand-tuned one. */
  actor?: number[];
  /** The sim Editor's placement weights (backends/sim/editor-policy.ts); default the hand-tuned ones. */
  editor?: number[];
}

export const evaluationProfiles = {
  sim: (options: EvaluationProfileOptions = {}): EvaluationRoles => {
    const roles = createSimRoles({ ...(options.actor ? { actor: policyFromVector(options.actor) } : {}), ...(options.editor ? { editor: editorPolicyFromVector(options.editor) } : {}) });
    return { roles, grader: { scorer: new SimOracleScorer(roles.library), scoredBy: "oracle" } };
  },
} satisfies Record<string, (options?: EvaluationProfileOptions) => EvaluationRoles | Promise<EvaluationRoles>>;

export type EvaluationProfile = keyof typeof evaluationProfiles;

export function isEvaluationProfile(name: string): name is EvaluationProfile {
  return Object.hasOwn(evaluationProfiles, name);
}
