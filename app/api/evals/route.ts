import { handle, json } from "@/lib/api/http";
import { listEvaluations } from "@/lib/db/evaluations";
import { AppError } from "@/lib/errors";
import { datasetTooLarge, evaluationRequestFromForm } from "@/lib/jobs/evaluation-form";
import { submitEvaluation } from "@/lib/jobs/evaluations";
import { MAX_DATASET_BYTES } from "@/lib/schemas/evaluation";

// POST /api/evals - start an evaluation from a data set (multipart upload or JSON {format, text, name, ...}); 201 {id, itemCount, skipped}
export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const body = await readEvaluationRequest(request);
    const created = await submitEvaluation(body);
    return json(created, { status: 201, headers: { Location: `/api/evals/${created.id}` } });
  });
}

// GET /api/evals - evaluations newest first with progress and mean one-shot / loop SG-IoU
export async function GET(): Promise<Response> {
  return handle(async () => json({ evaluations: await listEvaluations() }));
}

/** Room for the multipart envelope and the other fields around the file. */
const MAX_REQUEST_BYTES = MAX_DATASET_BYTES + 64 * 1024;

/** The create request from a multipart form (fields: file, format, name, limit, sampleSeed, lenient, settings.* including settings.profile and settings.actorPolicy) or a JSON body. */
async function readEvaluationRequest(request: Request): Promise<unknown> {
  if (Number(request.headers.get("content-length") ?? "0") > MAX_REQUEST_BYTES) throw datasetTooLarge();
  const type = request.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      throw new AppError("bad_request:form", "the upload could not be read as a multipart form");
    }
    return evaluationRequestFromForm(form);
  }
  if (!type.includes("json")) throw new AppError("unsupported_media_type:body", "send multipart/form-data with a file, or a JSON object");
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_REQUEST_BYTES) throw datasetTooLarge();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError("bad_request:json", `the request body is not valid JSON: ${(error as Error).message}`);
  }
}
