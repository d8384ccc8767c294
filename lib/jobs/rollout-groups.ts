import "server-only";
import { randomUUID } from "node:crypto";
import { createBranch, listBranchEdits, type BranchEdit } from "../db/branches";
import { getRunDetail } from "../db/runs";
import { AppError } from "../errors";
import { proposeEdits } from "../pipeline/backends/sim/actor";
import { withSceneContext } from "../pipeline/backends/sim/instructions";
import { groupAdvantages } from "../pipeline/training/grpo";
import { defaultActorTrainingConfig, rewardOf } from "../pipeline/training/actor-trainer";
import { createRolloutGroupRequestSchema, MAX_RUN_ITERATIONS, runIdSchema, runSettingsSchema, type RolloutGroupsResponse } from "../schemas/run";
import { resolveActorPolicy } from "./role-policies";
import { describeZodError } from "./validation";
import { notifyRunQueued } from "./worker-handle";

/**
 * Rollout groups in the viewer: the embedded Actor policy's candidate edits of one state (a run's
 * iteration k), the most probable `groupSize` of them, each opened as a sibling branch that applies
 * that one edit (budget 1). Once a branch's edit is checked, its reward is Reflection-GRPO's own
 * (`rewardOf`, the trainer's default weights) and its advantage is group-normalised among the
 * candidates checked so far, so a person sees why the policy prefers one edit. The candidates are
 * distinct: the trainer samples with replacement from this same distribution.
 */
export async function submitRolloutGroup(runId: string, body: unknown): Promise<{ group: string; branchIds: string[] }> {
  if (!runIdSchema.safeParse(runId).success) throw new AppError("bad_request:id", `"${runId}" is not a run id`);
  const parsed = createRolloutGroupRequestSchema.safeParse(body ?? {});
  if (!parsed.success) throw new AppError(`bad_request:${String(parsed.error.issues[0]?.path[0] ?? "body")}`, describeZodError(parsed.error));
  const { iteration: forkIndex, groupSize } = parsed.data;
  const run = await getRunDetail(runId);
  if (!run) throw new AppError("not_found:run", `no run with id "${runId}"`);
  const state = run.iterations.find((candidate) => candidate.index === forkIndex);
  if (!state) throw new AppError("bad_request:iteration", `iteration: run "${runId}" has no iteration ${forkIndex}`);
  if (forkIndex + 2 > MAX_RUN_ITERATIONS) throw new AppError("bad_request:iteration", `iteration: ${forkIndex} is the last iteration a run may have (${MAX_RUN_ITERATIONS} in all)`);
  const policyName = run.settings.actorPolicy ?? "heuristic";
  const history = run.iterations.filter((iteration) => iteration.index <= forkIndex).flatMap((iteration) => (iteration.instruction ? [iteration.instruction] : []));
  const proposals = proposeEdits({ target: run.target, critique: state.critique, history }, await resolveActorPolicy(policyName));
  if (proposals.length < 2) {
    throw new AppError("bad_request:iteration", `iteration ${forkIndex}: the Actor's policy sees ${proposals.length === 0 ? "no edit" : "only one edit"} to weigh here (the critique ${proposals.length === 0 ? "finds nothing to fix" : "leaves one choice"})`);
  }
  const chosen = [...proposals].sort((a, b) => b.probability - a.probability).slice(0, groupSize);
  const group = randomUUID();
  const labels = run.target.objects.map((object) => object.label);
  const settings = runSettingsSchema.parse({ ...run.settings, maxIterations: forkIndex + 2 });
  const branchIds: string[] = [];
  for (const proposal of chosen) {
    const steer = { instruction: withSceneContext(proposal.instruction, labels), rollout: { group, probability: proposal.probability, kind: proposal.kind, policy: policyName } };
    branchIds.push((await createBranch({ parentId: runId, forkIndex, steer, settings })).id);
  }
  notifyRunQueued();
  return { group, branchIds };
}

/** The rollout groups of the tree `rootRunId`, with each checked candidate's reward and advantage. */
export async function getRolloutGroups(rootRunId: string): Promise<RolloutGroupsResponse> {
  const groups = new Map<string, BranchEdit[]>();
  for (const branch of await listBranchEdits(rootRunId)) {
    const rollout = "instruction" in branch.steer ? branch.steer.rollout : undefined;
    if (rollout) groups.set(rollout.group, [...(groups.get(rollout.group) ?? []), branch]);
  }
  const weights = defaultActorTrainingConfig.reward;
  return {
    groups: [...groups.entries()].map(([group, branches]) => {
      const first = branches[0]!;
      const rewards = branches.map((branch) =>
        branch.state && branch.edited
          ? rewardOf(branch.state, { after: branch.edited, followed: !branch.edited.warnings.some((warning) => /image unchanged|left undone/.test(warning)) }, weights)
          : null,
      );
      const scored = rewards.filter((reward): reward is number => reward !== null);
      const advantages = scored.length >= 2 ? groupAdvantages(scored, defaultActorTrainingConfig.grpo.lossType) : scored.map(() => 0);
      let next = 0;
      return {
        group,
        parentRunId: first.parentRunId ?? rootRunId,
        forkIndex: first.forkIndex,
        policy: "instruction" in first.steer ? (first.steer.rollout?.policy ?? "heuristic") : "heuristic",
        stateSgIoU: first.state?.metrics.sgIoU ?? 0,
        samples: branches.map((branch, position) => {
          const rollout = "instruction" in branch.steer ? branch.steer.rollout : undefined;
          const reward = rewards[position]!;
          return {
            runId: branch.id,
            instruction: "instruction" in branch.steer ? branch.steer.instruction : "",
            kind: rollout?.kind ?? "",
            probability: rollout?.probability ?? 0,
            status: branch.status,
            reward,
            advantage: reward === null ? null : advantages[next++]!,
            sgIoU: branch.edited?.metrics.sgIoU ?? null,
          };
        }),
      };
    }),
  };
}
