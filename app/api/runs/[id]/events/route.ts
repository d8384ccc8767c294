import { handle, parseOrThrow } from "@/lib/api/http";
import { openRunEventStream } from "@/lib/jobs/run-stream";
import { runIdSchema } from "@/lib/schemas/run";

// GET /api/runs/[id]/events - stream run events (server-sent events): snapshot, then iteration and status
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = parseOrThrow(runIdSchema, (await context.params).id, "id");
    const stream = await openRunEventStream(id, request.signal);
    return new Response(stream, {
      headers: {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, no-transform",
        Connection: "keep-alive",
        "X-Accel-Buffering": "no",
      },
    });
  });
}
