import { handle, json, parseOrThrow } from "@/lib/api/http";
import { revokeShare, shareRun } from "@/lib/db/runs";
import { runIdSchema } from "@/lib/schemas/run";

// POST /api/runs/[id]/share - create (or return) the run's read-only link: {token, url: "/s/<token>"}
export async function POST(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = parseOrThrow(runIdSchema, (await context.params).id, "id");
    return json(await shareRun(id));
  });
}

// DELETE /api/runs/[id]/share - revoke the run's link; the old token stops working (204)
export async function DELETE(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = parseOrThrow(runIdSchema, (await context.params).id, "id");
    await revokeShare(id);
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  });
}
