import { describe, expect, it } from "vitest";
import { createHttpFetch, HttpTimeoutError, redactSecrets, type FetchFunction } from "./http";

/** A scripted fetch: each call takes the next step (a status, or "hang" until aborted, or "network"). */
function scripted(steps: (number | "hang" | "network" | Response)[]) {
  const calls: string[] = [];
  const fetch: FetchFunction = (input, init) => {
    calls.push(String(input));
    const step = steps.length > 1 ? steps.shift()! : steps[0]!;
    if (step instanceof Response) return Promise.resolve(step);
    if (step === "network") return Promise.reject(new TypeError("fetch failed"));
    if (step === "hang") {
      return new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
    }
    return Promise.resolve(new Response(JSON.stringify({ error: { message: `status ${step}` } }), { status: step }));
  };
  return { fetch, calls };
}

const noSleep = (log: number[]) => async (ms: number) => {
  log.push(ms);
};

describe("shared HTTP client", () => {
  it("retries only 408, 429 and 5xx, with doubling backoff", async () => {
    for (const status of [408, 429, 500, 502, 503]) {
      const waits: number[] = [];
      const { fetch, calls } = scripted([status, status, 200]);
      const response = await createHttpFetch({ timeoutMs: 1000, maxRetries: 3, baseDelayMs: 50, fetch, sleep: noSleep(waits) })("http://127.0.0.1:1/x");
      expect(response.status).toBe(200);
      expect(calls).toHaveLength(3);
      expect(waits).toEqual([50, 100]);
    }
    for (const status of [400, 401, 403, 404, 422]) {
      const { fetch, calls } = scripted([status, 200]);
      const response = await createHttpFetch({ timeoutMs: 1000, maxRetries: 3, fetch, sleep: noSleep([]) })("http://127.0.0.1:1/x");
      expect(response.status).toBe(status);
      expect(calls).toHaveLength(1);
    }
  });

  it("does not retry a connection failure (not in the retryable list) and returns the last retryable response when retries run out", async () => {
    const network = scripted(["network"]);
    await expect(createHttpFetch({ timeoutMs: 1000, maxRetries: 3, fetch: network.fetch, sleep: noSleep([]) })("http://127.0.0.1:1/x")).rejects.toThrow("fetch failed");
    expect(network.calls).toHaveLength(1);
    const busy = scripted([503]);
    const response = await createHttpFetch({ timeoutMs: 1000, maxRetries: 2, fetch: busy.fetch, sleep: noSleep([]) })("http://127.0.0.1:1/x");
    expect(response.status).toBe(503);
    expect(busy.calls).toHaveLength(3);
  });

  it("honours Retry-After (seconds, capped) and retry-after-ms", async () => {
    const waits: number[] = [];
    const { fetch } = scripted([
      new Response("", { status: 429, headers: { "retry-after": "120" } }),
      new Response("", { status: 429, headers: { "retry-after-ms": "250" } }),
      200,
    ]);
    await createHttpFetch({ timeoutMs: 1000, maxRetries: 3, maxDelayMs: 5000, fetch, sleep: noSleep(waits) })("http://127.0.0.1:1/x");
    expect(waits).toEqual([5000, 250]);
  });

  it("times out each attempt, retries timeouts, and ends with HttpTimeoutError", async () => {
    const { fetch, calls } = scripted(["hang"]);
    const error = await createHttpFetch({ timeoutMs: 30, maxRetries: 1, fetch, sleep: noSleep([]) })("http://127.0.0.1:1/x").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect(calls).toHaveLength(2);
  });

  it("times out a body that stops halfway (headers sent, then silence), and retries it", async () => {
    const calls: string[] = [];
    const stalling: FetchFunction = (input, init) => {
      calls.push(String(input));
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"choices": [{"mess'));
          init?.signal?.addEventListener("abort", () => controller.error(init.signal!.reason));
        },
      });
      return Promise.resolve(new Response(body, { status: 200, headers: { "content-type": "application/json" } }));
    };
    const fetch = createHttpFetch({ timeoutMs: 40, maxRetries: 1, fetch: stalling, sleep: noSleep([]) });
    const error = await fetch("http://127.0.0.1:1/x").then((response) => response.text()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect(calls).toHaveLength(2);
  });

  it("hands back a whole body with the status and headers it came with", async () => {
    const { fetch } = scripted([new Response('{"ok":true}', { status: 201, headers: { "x-id": "7" } }), 204]);
    const client = createHttpFetch({ timeoutMs: 1000, maxRetries: 0, fetch });
    const created = await client("http://127.0.0.1:1/x");
    expect([created.status, created.headers.get("x-id"), await created.json()]).toEqual([201, "7", { ok: true }]);
  });

  it("propagates the caller's abort to the request and to the backoff sleep", async () => {
    const controller = new AbortController();
    const { fetch, calls } = scripted(["hang"]);
    setTimeout(() => controller.abort(new Error("stop")), 20);
    await expect(createHttpFetch({ timeoutMs: 10_000, maxRetries: 3, fetch })("http://127.0.0.1:1/x", { signal: controller.signal })).rejects.toThrow("stop");
    expect(calls).toHaveLength(1);

    const sleeping = new AbortController();
    const busy = scripted([503]);
    setTimeout(() => sleeping.abort(new Error("stopped while waiting")), 20);
    const started = Date.now();
    await expect(createHttpFetch({ timeoutMs: 10_000, maxRetries: 3, baseDelayMs: 10_000, fetch: busy.fetch })("http://127.0.0.1:1/x", { signal: sleeping.signal })).rejects.toThrow(
      "stopped while waiting",
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(busy.calls).toHaveLength(1);
  });

  it("redacts secrets and Bearer tokens from error messages", async () => {
    expect(redactSecrets("key sk-abc123456 and Bearer xyz", ["sk-abc123456"])).toBe("key *** and Bearer ***");
    const failing: FetchFunction = () => Promise.reject(new Error("bad url http://127.0.0.1/x?key=sk-abc123456"));
    await expect(createHttpFetch({ timeoutMs: 1000, maxRetries: 0, secrets: ["sk-abc123456"], fetch: failing })("http://127.0.0.1/x")).rejects.toThrow(
      "bad url http://127.0.0.1/x?key=***",
    );
  });
});
