import { handle, json } from "@/lib/api/http";
import { getEvaluationDetail } from "@/lib/jobs/evaluations";

// GET /api/evals/[id] - the evaluation, its progress, the summary over finished items and every item with its run id
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => json(await getEvaluationDetail((await context.params).id)));
}
