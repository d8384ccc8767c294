import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { actorFeatureNames, defaultActorPolicy, policyFromVector, policyVector, type ActorPolicy } from "../backends/sim/actor";
import type { SceneGraph } from "../scene-graph/schema";
import type { ActorTrainingConfig } from "./actor-trainer";

/**
 * A trained Actor policy on disk (`DIR/checkpoint.json`): versioned, with everything needed to
 * reproduce it (the training config, a hash of the training graphs, the seed, the git revision).
 * It has no timestamp, so the same data, config and seed give the same file.
 */
export const ACTOR_CHECKPOINT_VERSION = 1;

const checkpointSchema = z.object({
  version: z.literal(ACTOR_CHECKPOINT_VERSION),
  kind: z.literal("actor"),
  parameters: z.object({ names: z.array(z.string()), values: z.array(z.number().finite()) }),
  config: z.record(z.string(), z.unknown()),
  dataHash: z.string(),
  graphs: z.number().int(),
  seed: z.number().int(),
  gitRevision: z.string().nullable(),
});
export type ActorCheckpoint = z.infer<typeof checkpointSchema>;

export function dataHash(graphs: readonly SceneGraph[]): string {
  return createHash("sha256").update(JSON.stringify(graphs)).digest("hex");
}

export function actorCheckpoint(vector: readonly number[], config: ActorTrainingConfig, graphs: readonly SceneGraph[], gitRevision: string | null): ActorCheckpoint {
  return {
    version: ACTOR_CHECKPOINT_VERSION,
    kind: "actor",
    parameters: { names: [...actorFeatureNames], values: [...vector] },
    config: JSON.parse(JSON.stringify(config)) as Record<string, unknown>,
    dataHash: dataHash(graphs),
    graphs: graphs.length,
    seed: config.seed,
    gitRevision,
  };
}

/**
 * An Actor policy by name: "heuristic" (the hand-tuned defaults), "uniform" (every candidate edit
 * equally likely: all parameters 0) or the path of a checkpoint.json. Throws, naming the file and
 * what is wrong, for a bad checkpoint.
 */
export async function loadActorPolicy(name: string): Promise<ActorPolicy> {
  if (name === "heuristic") return defaultActorPolicy;
  if (name === "uniform") return policyFromVector(policyVector(defaultActorPolicy).map(() => 0));
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(name, "utf8"));
  } catch (error) {
    throw new Error(`--actor ${name}: not "heuristic", "uniform" or a readable checkpoint.json (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const parsed = checkpointSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${name}: not an Actor checkpoint: ${parsed.error.issues[0]!.path.join(".") || "(root)"}: ${parsed.error.issues[0]!.message}`);
  if (parsed.data.parameters.names.join() !== actorFeatureNames.join()) {
    throw new Error(`${name}: its parameters (${parsed.data.parameters.names.join(", ")}) are not this Actor's (${actorFeatureNames.join(", ")})`);
  }
  return policyFromVector(parsed.data.parameters.values);
}
