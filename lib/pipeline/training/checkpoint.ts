import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { actorFeatureNames, defaultActorPolicy, policyFromVector, policyVector, type ActorPolicy } from "../backends/sim/actor";
import type { SceneGraph } from "../scene-graph/schema";
import { defaultEditorPolicy, editorFeatureNames, editorPolicyFromVector, type EditorPolicy } from "../backends/sim/editor-policy";
import type { ActorTrainingConfig } from "./actor-trainer";
import type { EditorTrainingConfig } from "./editor-trainer";

/**
 * A trained Actor or Editor policy on disk (`DIR/checkpoint.json`): versioned, with everything needed to
 * reproduce it (the training config, a hash of the training graphs, the seed, the git revision).
 * It has no timestamp, so the same data, config and seed give the same file.
 */
export const ACTOR_CHECKPOINT_VERSION = 1;

const checkpointSchema = z.object({
  version: z.literal(ACTOR_CHECKPOINT_VERSION),
  kind: z.enum(["actor", "editor"]),
  parameters: z.object({ names: z.array(z.string()), values: z.array(z.number().finite()) }),
  config: z.record(z.string(), z.unknown()),
  dataHash: z.string(),
  graphs: z.number().int(),
  seed: z.number().int(),
  gitRevision: z.string().nullable(),
});
export type PolicyCheckpoint = z.infer<typeof checkpointSchema>;
type TrainedRole = PolicyCheckpoint["kind"];

export function dataHash(graphs: readonly SceneGraph[]): string {
  return createHash("sha256").update(JSON.stringify(graphs)).digest("hex");
}

function policyCheckpoint(kind: TrainedRole, names: readonly string[], vector: readonly number[], config: ActorTrainingConfig | EditorTrainingConfig, graphs: readonly SceneGraph[], gitRevision: string | null): PolicyCheckpoint {
  return {
    version: ACTOR_CHECKPOINT_VERSION,
    kind,
    parameters: { names: [...names], values: [...vector] },
    config: JSON.parse(JSON.stringify(config)) as Record<string, unknown>,
    dataHash: dataHash(graphs),
    graphs: graphs.length,
    seed: config.seed,
    gitRevision,
  };
}

export function actorCheckpoint(vector: readonly number[], config: ActorTrainingConfig, graphs: readonly SceneGraph[], gitRevision: string | null): PolicyCheckpoint {
  return policyCheckpoint("actor", actorFeatureNames, vector, config, graphs, gitRevision);
}

export function editorCheckpoint(vector: readonly number[], config: EditorTrainingConfig, graphs: readonly SceneGraph[], gitRevision: string | null): PolicyCheckpoint {
  return policyCheckpoint("editor", editorFeatureNames, vector, config, graphs, gitRevision);
}

/**
 * An Actor policy by name: "heuristic" (the hand-tuned defaults), "uniform" (every candidate edit
 * equally likely: all parameters 0) or the path of a checkpoint.json. Throws, naming the file and
 * what is wrong, for a bad checkpoint.
 */
export async function loadActorPolicy(name: string): Promise<ActorPolicy> {
  if (name === "heuristic") return defaultActorPolicy;
  if (name === "uniform") return policyFromVector(policyVector(defaultActorPolicy).map(() => 0));
  return policyFromVector(await checkpointParameters(name, "actor", actorFeatureNames));
}

/** The Editor's placement policy by name, like loadActorPolicy: "heuristic", "uniform" or a checkpoint.json of `rig train editor`. */
export async function loadEditorPolicy(name: string): Promise<EditorPolicy> {
  if (name === "heuristic") return defaultEditorPolicy;
  if (name === "uniform") return editorPolicyFromVector(editorFeatureNames.map(() => 0));
  return editorPolicyFromVector(await checkpointParameters(name, "editor", editorFeatureNames));
}

async function checkpointParameters(file: string, kind: TrainedRole, names: readonly string[]): Promise<number[]> {
  const Role = kind === "actor" ? "Actor" : "Editor";
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new Error(`--${kind} ${file}: not "heuristic", "uniform" or a readable checkpoint.json (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const parsed = checkpointSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: not a policy checkpoint: ${parsed.error.issues[0]!.path.join(".") || "(root)"}: ${parsed.error.issues[0]!.message}`);
  if (parsed.data.kind !== kind) throw new Error(`${file}: not an ${Role} checkpoint: kind: it is an ${parsed.data.kind === "actor" ? "Actor" : "Editor"} checkpoint`);
  if (parsed.data.parameters.names.join() !== names.join()) {
    throw new Error(`${file}: its parameters (${parsed.data.parameters.names.join(", ")}) are not this ${Role}'s (${names.join(", ")})`);
  }
  return parsed.data.parameters.values;
}
