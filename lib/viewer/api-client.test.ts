import { describe, expect, it } from "vitest";
import { csrfHeader } from "./api-client";
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
