import { z } from "zod";
import { handle, parseOrThrow } from "@/lib/api/http";
import { trainingExport } from "@/lib/jobs/training-export";
import { trajectoryFormats } from "@/lib/pipeline/export/formats";
import { runIdSchema } from "@/lib/schemas/run";

const MAX_RUNS = 200;
const querySchema = z.object({
  format: z.enum(trajectoryFormats, { error: `format must be one of ${trajectoryFormats.join(", ")}` }),
  run: z.array(runIdSchema).min(1, "name at least one run: ?run=<id>").max(MAX_RUNS, `at most ${MAX_RUNS} runs per export`),
});

// GET /api/export?format=verl|trl|openrlhf&run=<id>[&run=<id>...] - Actor training rows of the runs (as rig export writes them)
export async function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const search = new URL(request.url).searchParams;
    const query = parseOrThrow(querySchema, { format: search.get("format") ?? undefined, run: search.getAll("run") }, "query");
    const file = await trainingExport(query.format, query.run);
    return new Response(typeof file.body === "string" ? file.body : new Uint8Array(file.body), {
      headers: {
        "Content-Type": file.contentType,
        "Content-Disposition": `attachment; filename="${file.fileName}"`,
        "Cache-Control": "no-store",
        "X-Rig-Rows": String(file.rows),
      },
    });
  });
}
