import { handle, json, parseOrThrow } from "@/lib/api/http";
import { cancelRun } from "@/lib/jobs/runs";
import { runIdSchema } from "@/lib/schemas/run";

// POST /api/runs/[id]/cancel - cancel a waiting or executing run; returns {status} after the request
export async function POST(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = parseOrThrow(runIdSchema, (await context.params).id, "id");
    return json({ status: await cancelRun(id) });
  });
}
