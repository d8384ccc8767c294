import { describe, expect, it } from "vitest";
import { ApiError } from "./api-client";
import { createRun, shareRun } from "./run-queries";

function stubFetch(status: number, body: unknown): typeof fetch {
  return (async () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })) as typeof fetch;
}

describe("API client", () => {
  it("returns the new run's id, whichever envelope the server uses", async () => {
    expect(await createRun({ input: "a dog" }, stubFetch(201, { id: "r1", status: "queued" }))).toBe("r1");
    expect(await createRun({ input: "a dog" }, stubFetch(201, { run: { id: "r2" } }))).toBe("r2");
  });

  it("turns an API error body into an ApiError with the server's message", async () => {
    const error = await createRun({ input: "" }, stubFetch(400, { error: { code: "bad_request:input", message: "the prompt is empty" } })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ message: "the prompt is empty", status: 400, code: "bad_request:input" });
  });

  it("names the status when the error body is not JSON", async () => {
    const fetchImpl = (async () => new Response("oops", { status: 502, statusText: "Bad Gateway" })) as typeof fetch;
    await expect(shareRun("r1", {}, fetchImpl)).rejects.toMatchObject({ status: 502, message: "the server answered 502 Bad Gateway" });
  });
});
