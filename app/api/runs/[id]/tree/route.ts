import { handle, json, parseOrThrow } from "@/lib/api/http";
import { getRunTree } from "@/lib/db/branches";
import { AppError } from "@/lib/errors";
import { runIdSchema } from "@/lib/schemas/run";

// GET /api/runs/[id]/tree - the tree of branches the run belongs to, with its best leaf
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = parseOrThrow(runIdSchema, (await context.params).id, "id");
    const tree = await getRunTree(id);
    if (!tree) throw new AppError("not_found:run", `no run with id "${id}"`);
    return json(tree);
  });
}
