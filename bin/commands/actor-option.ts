import { CliError } from "../cli-error";
import { policyFromVector, policyVector, SimActor } from "../../lib/pipeline/backends/sim/actor";
import type { Roles } from "../../lib/pipeline/roles/types";
import { loadActorPolicy } from "../../lib/pipeline/training/checkpoint";

/**
 * `--actor POLICY` of `rig run` and `rig eval`: "heuristic" (the hand-tuned default), "uniform",
 * or a checkpoint.json from `rig train actor`. It replaces the sim Actor's policy; a profile whose
 * Actor is not the sim one cannot take it.
 */
export async function actorPolicyVector(name: string, actorBackend: string): Promise<number[]> {
  if (actorBackend !== "sim") throw new CliError(`--actor sets the embedded world's Actor, but this profile's Actor is ${actorBackend}`);
  try {
    return policyVector(await loadActorPolicy(name));
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

export async function withActorPolicy<T extends Pick<Roles, "actor">>(roles: T, name: string, actorBackend: string): Promise<T> {
  if (name === "heuristic") return roles;
  return { ...roles, actor: new SimActor(policyFromVector(await actorPolicyVector(name, actorBackend))) };
}
