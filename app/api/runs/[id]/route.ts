import { handle, json, parseOrThrow } from "@/lib/api/http";
import { getRunDetailOrThrow } from "@/lib/db/runs";
import { runIdSchema } from "@/lib/schemas/run";

// GET /api/runs/[id] - one run with its iterations
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = parseOrThrow(runIdSchema, (await context.params).id, "id");
    return json(await getRunDetailOrThrow(id));
  });
}
