import { CliError } from "../cli-error";
import { policyFromVector, policyVector, SimActor } from "../../lib/pipeline/backends/sim/actor";
import { SimEditor } from "../../lib/pipeline/backends/sim/editor";
import type { Roles } from "../../lib/pipeline/roles/types";
import { loadActorPolicy, loadEditorPolicy } from "../../lib/pipeline/training/checkpoint";

/**
 * `--actor POLICY` and `--editor POLICY` of `rig run` and `rig eval`: "heuristic" (the hand-tuned
 * default), "uniform", or a checkpoint.json from `rig train actor|editor`. Each replaces the sim
 * role's policy; a profile whose Actor (Editor) is not the sim one cannot take it.
 */
export async function actorPolicyVector(name: string, actorBackend: string): Promise<number[]> {
  if (actorBackend !== "sim") throw new CliError(`--actor sets the embedded world's Actor, but this profile's Actor is ${actorBackend}`);
  try {
    return policyVector(await loadActorPolicy(name));
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

export async function editorPolicyWeights(name: string, editorBackend: string): Promise<number[]> {
  if (editorBackend !== "sim") throw new CliError(`--editor sets the embedded world's Editor, but this profile's Editor is ${editorBackend}`);
  try {
    return (await loadEditorPolicy(name)).weights;
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

/** The roles with the named Actor and Editor policies ("heuristic" leaves a role as it is). */
export async function withRolePolicies<T extends Pick<Roles, "actor" | "editor">>(roles: T, names: { actor: string; editor: string }, backends: { actor: string; editor: string }): Promise<T> {
  let result = roles;
  if (names.actor !== "heuristic") result = { ...result, actor: new SimActor(policyFromVector(await actorPolicyVector(names.actor, backends.actor))) };
  if (names.editor !== "heuristic") {
    const weights = await editorPolicyWeights(names.editor, backends.editor);
    if (!(roles.editor instanceof SimEditor)) throw new CliError(`--editor sets the embedded world's Editor, but this profile's Editor is ${roles.editor.name}`);
    result = { ...result, editor: roles.editor.withPolicy({ ...roles.editor.policy, weights }) };
  }
  return result;
}
