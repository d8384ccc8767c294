import { handle, json, parseOrThrow, readOptionalJsonBody } from "@/lib/api/http";
import { revokeShare, shareRun } from "@/lib/db/runs";
import { runIdSchema, shareRequestSchema } from "@/lib/schemas/run";

// POST /api/runs/[id]/share [{expiresInDays}] - create (or return) the run's read-only link: {token, url: "/s/<token>", expiresAt}
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = parseOrThrow(runIdSchema, (await context.params).id, "id");
    const options = parseOrThrow(shareRequestSchema, (await readOptionalJsonBody(request)) ?? {}, "body");
    return json(await shareRun(id, options));
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
