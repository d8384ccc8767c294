import { handle, json, parseOrThrow, readJsonBody } from "@/lib/api/http";
import { listRuns } from "@/lib/db/runs";
import { submitRun } from "@/lib/jobs/runs";
import { runListQuerySchema } from "@/lib/schemas/run";

// POST /api/runs - validate the input, store the run as queued for the worker, return 201 {id}
export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const body = await readJsonBody(request);
    const { id } = await submitRun(body);
    return json({ id }, { status: 201, headers: { Location: `/api/runs/${id}` } });
  });
}

// GET /api/runs - runs newest first, ?query= searches the prompt, ?page=&pageSize= paginate
export async function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const params = Object.fromEntries(new URL(request.url).searchParams);
    const query = parseOrThrow(runListQuerySchema, params, "query");
    return json(await listRuns(query));
  });
}
