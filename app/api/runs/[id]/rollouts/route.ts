import { handle, json, parseOrThrow, readOptionalJsonBody } from "@/lib/api/http";
import { getRunTree } from "@/lib/db/branches";
import { AppError } from "@/lib/errors";
import { getRolloutGroups, submitRolloutGroup } from "@/lib/jobs/rollout-groups";
import { runIdSchema } from "@/lib/schemas/run";

// POST /api/runs/[id]/rollouts {iteration, groupSize?} - open the Actor policy's candidate edits of an iteration as sibling branches; 201 {group, branchIds}
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = parseOrThrow(runIdSchema, (await context.params).id, "id");
    return json(await submitRolloutGroup(id, await readOptionalJsonBody(request)), { status: 201 });
  });
}

// GET /api/runs/[id]/rollouts - the rollout groups of the run's tree, with rewards and advantages
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = parseOrThrow(runIdSchema, (await context.params).id, "id");
    const tree = await getRunTree(id);
    if (!tree) throw new AppError("not_found:run", `no run with id "${id}"`);
    return json(await getRolloutGroups(tree.rootRunId));
  });
}
