import type { ZodError } from "zod";

/** "settings.seed: Too big: expected number to be <=4294967295; input: the prompt is empty" */
export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.map(String).join(".");
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join("; ");
}
