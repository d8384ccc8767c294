import { abortableSleep } from "../util/sleep";

/**
 * The one HTTP client every real back end uses: a `fetch` with a per-attempt timeout, retries with
 * exponential backoff only on retryable failures (timeouts, 408, 429, 5xx; `Retry-After` is
 * honoured), the caller's abort propagated to the request and to the backoff sleep, and secrets
 * redacted from every error message it produces.
 */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface HttpPolicy {
  /** Per attempt. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff; doubles each retry. */
  baseDelayMs?: number;
  /** No single wait (backoff or Retry-After) is longer than this. */
  maxDelayMs?: number;
  /** Values that must never appear in an error message (API keys). */
  secrets?: readonly string[];
  fetch?: FetchFunction;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The request did not answer within `timeoutMs` (after every retry). */
export class HttpTimeoutError extends Error {
  override name = "HttpTimeoutError";
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`no answer from ${url} within ${timeoutMs} ms`);
  }
}

export const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/** Replaces each secret (and its Bearer form) with "***". */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of secrets) if (secret && secret.length >= 4) result = result.split(secret).join("***");
  return result.replace(/(Bearer\s+)[^\s"',]+/gi, "$1***");
}

function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get("retry-after-ms") ?? undefined;
  if (header && Number.isFinite(Number(header))) return Number(header);
  const value = response.headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const urlOf = (input: string | URL | Request) => (typeof input === "string" ? input : input instanceof URL ? input.href : input.url);

export function createHttpFetch(policy: HttpPolicy): FetchFunction {
  const baseFetch = policy.fetch ?? globalThis.fetch;
  const sleep = policy.sleep ?? abortableSleep;
  const base = policy.baseDelayMs ?? 500;
  const cap = policy.maxDelayMs ?? 20_000;
  return async (input, init = {}) => {
    const caller = init.signal ?? undefined;
    const url = redactSecrets(urlOf(input), policy.secrets);
    for (let attempt = 0; ; attempt += 1) {
      if (caller?.aborted) throw caller.reason;
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new HttpTimeoutError(url, policy.timeoutMs)), policy.timeoutMs);
      const signal = caller ? AbortSignal.any([caller, timeout.signal]) : timeout.signal;
      let failure: unknown;
      let response: Response | undefined;
      try {
        // The body is read inside the attempt's deadline too: a server that sends its headers and
        // then stops would otherwise hold the caller forever.
        response = await readWhole(await baseFetch(input, { ...init, signal }));
      } catch (error) {
        if (caller?.aborted) throw caller.reason;
        if (!timeout.signal.aborted) throw redactError(error, policy.secrets);
        failure = new HttpTimeoutError(url, policy.timeoutMs);
      } finally {
        clearTimeout(timer);
      }
      const lastAttempt = attempt >= policy.maxRetries;
      if (response) {
        if (!isRetryableStatus(response.status) || lastAttempt) return response;
        const wait = Math.min(cap, retryAfterMs(response) ?? base * 2 ** attempt);
        await sleep(wait, caller);
        continue;
      }
      if (lastAttempt) throw failure;
      await sleep(Math.min(cap, base * 2 ** attempt), caller);
    }
  };
}

/** The same response with its body already read (bodies here are JSON or images, never streams). */
async function readWhole(response: Response): Promise<Response> {
  const body = response.body === null ? null : await response.arrayBuffer();
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

function redactError(error: unknown, secrets: readonly string[] | undefined): unknown {
  if (error instanceof Error && secrets?.length) error.message = redactSecrets(error.message, secrets);
  return error;
}
