import { ConfigError, loadConfig, profileNamed, profileRoles, type RigConfig } from "./config";
import { resolveProfile, type ResolveContext } from "./registry";
import { defaultSpriteLibrary } from "./sim/world/sprite-library";
import { SimOracleScorer } from "./sim/scorer";
import { SELF_GRADED, type Grader } from "../evaluation/grade";

/**
 * The Scorer of a profile's evaluations: the grader of every reported metric, chosen so the loop
 * never grades itself. The loop may stop on and pick its best iteration by its Checker's reading;
 * what an evaluation reports is the Scorer's reading of the kept image, with the Checker's own
 * beside it (`checkerReported`) so the gap shows.
 *
 *   "oracle"   the embedded world's record of what it drew (sim/scorer.ts). Needs the sim
 *              Diffuser and Editor: no one else's images have a record. The default when both are sim.
 *   <profile>  that profile's Checker grades (e.g. a "detector" profile with the local COCO
 *              detector, or a VLM that is not the loop's Checker).
 *   "checker"  the loop's own Checker: self-graded. The default when the images are not the
 *              world's and no Scorer is named; reported as self-graded everywhere.
 */
export function resolveScorer(config: RigConfig, profileName: string, context: ResolveContext = { env: process.env }): Grader {
  const specs = profileRoles(config, profileName);
  const drawsInWorld = specs.every((spec) => (spec.role === "diffuser" || spec.role === "editor" ? spec.backend === "sim" : true));
  const choice = profileNamed(config, profileName).scorer ?? (drawsInWorld ? "oracle" : SELF_GRADED);
  if (choice === SELF_GRADED) return { scorer: undefined, scoredBy: SELF_GRADED };
  if (choice === "oracle") {
    if (!drawsInWorld) {
      throw new ConfigError(`profile "${profileName}": scorer "oracle" grades only images the embedded world draws, but its Diffuser or Editor is not sim; name a profile whose Checker should grade, or "checker"`);
    }
    return { scorer: new SimOracleScorer(context.sim?.library ?? defaultSpriteLibrary()), scoredBy: "oracle" };
  }
  if (choice === profileName) return { scorer: undefined, scoredBy: SELF_GRADED };
  const grader = resolveProfile(config, choice, context);
  return { scorer: grader.roles.checker, scoredBy: `${choice}:${grader.backends.checker}` };
}

/** Loads the config (rig.config.json or RIG_CONFIG) and resolves one profile's Scorer. */
export async function resolveScorerByName(profileName: string, context: Partial<ResolveContext> & { root?: string } = {}): Promise<Grader> {
  const env = context.env ?? process.env;
  const config = await loadConfig({ env, ...(context.root ? { root: context.root } : {}) });
  return resolveScorer(config, profileName, { ...context, env });
}
