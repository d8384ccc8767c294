import { describe, expect, it } from "vitest";
import { ApiError, csrfHeader, fetchApi } from "./api-client";
import { CSRF_COOKIE, CSRF_HEADER } from "../server/session";

describe("csrfHeader", () => {
  it("echoes the session's CSRF cookie under the header the server checks", () => {
    expect(csrfHeader(`theme=dark; ${CSRF_COOKIE}=abc-DEF_123; other=1`)).toEqual({ [CSRF_HEADER]: "abc-DEF_123" });
  });

  it("sends nothing when there is no session (a server without access control)", () => {
    expect(csrfHeader("")).toEqual({});
    expect(csrfHeader(undefined)).toEqual({});
    expect(csrfHeader("not_rig_csrf=1")).toEqual({});
  });
});

function stubFetch(status: number, body: string, statusText = ""): typeof fetch {
  return (async () => new Response(body, { status, statusText, headers: { "content-type": "application/json" } })) as typeof fetch;
}

describe("fetchApi", () => {
  it("returns the parsed body of a 2xx answer", async () => {
    expect(await fetchApi("/api/runs", {}, stubFetch(200, JSON.stringify({ runs: [] })))).toEqual({ runs: [] });
  });

  it("turns an API error body into an ApiError with the server's message", async () => {
    const error = await fetchApi("/api/runs", {}, stubFetch(400, JSON.stringify({ error: { code: "bad_request:input", message: "the prompt is empty" } }))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ message: "the prompt is empty", status: 400, code: "bad_request:input" });
  });

  it("names the status when the error body is not JSON", async () => {
    await expect(fetchApi("/api/runs", {}, stubFetch(502, "oops", "Bad Gateway"))).rejects.toMatchObject({ status: 502, message: "the server answered 502 Bad Gateway" });
  });
});
