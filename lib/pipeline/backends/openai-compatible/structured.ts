import { APICallError, generateText, NoObjectGeneratedError, Output, type LanguageModel, type ModelMessage } from "ai";
import type { z } from "zod";
import { HttpTimeoutError, redactSecrets } from "../http";
import { RoleError, type RoleName } from "../../roles/errors";

/**
 * One structured answer from a chat model: `generateText` with `Output.object({ schema })` (the
 * server gets the JSON schema as `response_format`), the answer validated with zod, and when it
 * is not valid (not JSON, or against the schema) the error fed back to the model for another try,
 * at most `maxAttempts` times. HTTP retries are the shared client's business (`maxRetries: 0` here).
 */
export interface StructuredCall<Schema extends z.ZodType> {
  role: RoleName;
  model: LanguageModel;
  messages: ModelMessage[];
  schema: Schema;
  maxAttempts: number;
  seed?: number;
  temperature?: number;
  signal?: AbortSignal;
  secrets: readonly string[];
}

export async function generateStructured<Schema extends z.ZodType>(call: StructuredCall<Schema>): Promise<{ value: z.infer<Schema>; attempts: number; warnings: string[] }> {
  const messages = [...call.messages];
  const warnings: string[] = [];
  let lastProblem = "";
  for (let attempt = 1; attempt <= call.maxAttempts; attempt += 1) {
    try {
      const result = await generateText({
        model: call.model,
        messages,
        output: Output.object({ schema: call.schema }),
        maxRetries: 0,
        ...(call.seed !== undefined ? { seed: call.seed } : {}),
        ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
        ...(call.signal ? { abortSignal: call.signal } : {}),
      });
      for (const warning of result.warnings ?? []) warnings.push(`${call.role}: ${describeWarning(warning)}`);
      if (attempt > 1) warnings.push(`${call.role}: the model needed ${attempt} attempts for a valid answer`);
      return { value: result.output as z.infer<Schema>, attempts: attempt, warnings };
    } catch (error) {
      if (!NoObjectGeneratedError.isInstance(error)) throw toRoleError(call.role, error, call.signal, call.secrets);
      lastProblem = problemOf(error);
      messages.push({ role: "assistant", content: error.text ?? "" });
      messages.push({
        role: "user",
        content: `Your answer was not valid: ${lastProblem}\nAnswer again with JSON only, exactly matching the schema and the rules above.`,
      });
    }
  }
  throw new RoleError(
    call.role,
    "model_output_invalid",
    redactSecrets(`the model gave no valid answer in ${call.maxAttempts} attempt(s); last problem: ${lastProblem}`, call.secrets),
    true,
  );
}

function describeWarning(warning: unknown): string {
  if (warning && typeof warning === "object") {
    const { type, feature, message, details } = warning as Record<string, unknown>;
    return [type, feature, message, details].filter((part) => typeof part === "string").join(": ");
  }
  return String(warning);
}

/** The validation error as a short text for the model (the zod issues, or the JSON parse error). */
function problemOf(error: NoObjectGeneratedError): string {
  const cause = error.cause as { cause?: unknown; message?: string } | undefined;
  const inner = cause?.cause as { issues?: { path: PropertyKey[]; message: string }[] } | undefined;
  if (inner?.issues?.length) {
    return inner.issues
      .slice(0, 8)
      .map((issue) => `${issue.path.map(String).join(".") || "(answer)"}: ${issue.message}`)
      .join("; ");
  }
  const message = cause?.message ?? error.message;
  return message.length > 600 ? `${message.slice(0, 600)}...` : message;
}

function findInChain<T>(error: unknown, test: (value: unknown) => value is T): T | undefined {
  for (let current = error, depth = 0; current && depth < 6; current = (current as { cause?: unknown }).cause, depth += 1) {
    if (test(current)) return current;
  }
  return undefined;
}

/** Any failure of the call as a RoleError with no secret in its message. */
export function toRoleError(role: RoleName, error: unknown, signal: AbortSignal | undefined, secrets: readonly string[]): RoleError {
  if (error instanceof RoleError) return error;
  if (signal?.aborted) return new RoleError(role, "aborted", "the call was aborted", false, { cause: error });
  const timeout = findInChain(error, (value): value is HttpTimeoutError => value instanceof HttpTimeoutError);
  if (timeout) return new RoleError(role, "timeout", redactSecrets(timeout.message, secrets), true);
  const api = findInChain(error, (value): value is APICallError => APICallError.isInstance(value));
  if (api) {
    const status = api.statusCode ? `HTTP ${api.statusCode}: ` : "";
    // A 2xx whose body could not be read (cut short, not JSON) is a broken transfer: worth another try.
    const unreadableSuccess = api.statusCode !== undefined && api.statusCode >= 200 && api.statusCode < 300;
    return new RoleError(role, "backend_unavailable", redactSecrets(`${status}${api.message} (${api.url})`, secrets), api.isRetryable || unreadableSuccess);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new RoleError(role, "backend_unavailable", redactSecrets(message, secrets), false);
}
