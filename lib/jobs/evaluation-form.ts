import "server-only";
import { AppError } from "../errors";
import { MAX_DATASET_BYTES } from "../schemas/evaluation";

/**
 * The evaluation upload form (fields: file, format, name, limit, sampleSeed, lenient, settings.*
 * including settings.profile and settings.actorPolicy) as the create request submitEvaluation
 * validates; shared by POST /api/evals (multipart) and the upload form's server action.
 */
export function datasetTooLarge(): AppError {
  return new AppError("payload_too_large:dataset", `the data set file is larger than ${MAX_DATASET_BYTES / 1024 / 1024} MB`);
}

export async function evaluationRequestFromForm(form: FormData): Promise<unknown> {
  const file = form.get("file");
  if (!(file instanceof File)) throw new AppError("bad_request:file", "choose a data set file to upload");
  if (file.size > MAX_DATASET_BYTES) throw datasetTooLarge();
  const text = await file.text();
  const field = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  const number = (name: string) => (field(name) === undefined ? undefined : Number(field(name)));
  const settings = {
    ...Object.fromEntries(
      (["seed", "maxIterations", "targetSgIoU", "patience"] as const).flatMap((key) => (field(`settings.${key}`) === undefined ? [] : [[key, number(`settings.${key}`)]])),
    ),
    ...(field("settings.profile") === undefined ? {} : { profile: field("settings.profile") }),
    ...(field("settings.actorPolicy") === undefined ? {} : { actorPolicy: field("settings.actorPolicy") }),
    ...(field("settings.editorPolicy") === undefined ? {} : { editorPolicy: field("settings.editorPolicy") }),
  };
  return {
    name: field("name") ?? file.name,
    format: field("format"),
    text,
    fileName: file.name,
    ...(field("limit") ? { limit: number("limit") } : {}),
    ...(field("sampleSeed") ? { sampleSeed: number("sampleSeed") } : {}),
    lenient: field("lenient") === "on" || field("lenient") === "true",
    settings,
  };
}
