import { handle, json } from "@/lib/api/http";
import { cancelEvaluation } from "@/lib/jobs/evaluations";

// POST /api/evals/[id]/cancel - cancel the evaluation's unfinished item runs; returns {status}
export async function POST(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => json({ status: await cancelEvaluation((await context.params).id) }));
}
