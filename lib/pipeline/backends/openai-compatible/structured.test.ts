import { APICallError } from "ai";
import { describe, expect, it } from "vitest";
import { toRoleError } from "./structured";

const apiError = (statusCode: number | undefined, isRetryable: boolean) =>
  new APICallError({ message: statusCode === 200 ? "Invalid JSON response" : "Bad request", url: "http://vlm.example/v1/chat/completions", requestBodyValues: {}, statusCode, isRetryable });

describe("toRoleError", () => {
  it("lets the loop retry what may pass next time: the SDK's retryable errors and a 2xx whose body could not be read", () => {
    expect(toRoleError("checker", apiError(200, false), undefined, []).retryable).toBe(true);
    expect(toRoleError("checker", apiError(503, true), undefined, []).retryable).toBe(true);
    expect(toRoleError("checker", apiError(400, false), undefined, []).retryable).toBe(false);
  });

  it("names the status and the URL, with secrets redacted", () => {
    const error = toRoleError("checker", apiError(400, false), undefined, ["vlm.example"]);
    expect(error.message).toBe("checker: HTTP 400: Bad request (http://***/v1/chat/completions)");
    expect(error.code).toBe("backend_unavailable");
  });
});
