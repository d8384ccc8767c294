import { handle, json, parseOrThrow } from "@/lib/api/http";
import { evaluationCsv, getEvaluationDetail } from "@/lib/jobs/evaluations";
import { exportFormatSchema } from "@/lib/schemas/evaluation";

// GET /api/evals/[id]/export?format=csv|json - download per-item results (CSV) or evaluation, summary and items (JSON)
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const format = parseOrThrow(exportFormatSchema, new URL(request.url).searchParams.get("format") ?? "json", "format");
    const detail = await getEvaluationDetail((await context.params).id);
    const name = `evaluation-${detail.evaluation.id}.${format}`;
    const disposition = { "Content-Disposition": `attachment; filename="${name}"` };
    if (format === "json") return json(detail, { headers: disposition });
    return new Response(evaluationCsv(detail.items, detail.backends), { headers: { "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store", ...disposition } });
  });
}
