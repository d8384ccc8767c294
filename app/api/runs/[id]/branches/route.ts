import { handle, json, parseOrThrow, readJsonBody } from "@/lib/api/http";
import { submitBranch } from "@/lib/jobs/branches";
import { runIdSchema } from "@/lib/schemas/run";

// POST /api/runs/[id]/branches - fork the run at an iteration with a person's instruction or critique; 201 {id}
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = parseOrThrow(runIdSchema, (await context.params).id, "id");
    const { id: branchId } = await submitBranch(id, await readJsonBody(request));
    return json({ id: branchId }, { status: 201, headers: { Location: `/api/runs/${branchId}` } });
  });
}
