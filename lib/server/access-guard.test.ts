import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideAccess, isPublicPath, normalisedPath, safeReturnPath, type GuardRequest } from "./access-guard";
import { createSession, CSRF_HEADER, SESSION_COOKIE } from "./session";

const TOKEN = "unit-test-token-0123456789";

function request(method: string, url: string, headers: GuardRequest["headers"] = {}): GuardRequest {
  return { method, url, headers: { host: "rig.example:3000", ...headers } };
}

async function signedInHeaders(): Promise<{ cookie: string; csrf: string }> {
  const session = await createSession(TOKEN);
  return { cookie: `${SESSION_COOKIE}=${session.seal}`, csrf: session.csrf };
}

describe("decideAccess", () => {
  it("lets everything through when the server has no token (it then listens on loopback only)", async () => {
    expect(await decideAccess(request("DELETE", "/api/runs/x/share"), undefined)).toEqual({ action: "next" });
  });

  it("keeps share pages, their API, images, static assets and sign-in public", async () => {
    for (const url of ["/s/abc", "/api/share/abc", "/api/images/abc?variant=thumb", "/_next/static/chunk.js", "/signin?next=%2F", "/api/session"]) {
      expect(await decideAccess(request("GET", url), TOKEN), url).toEqual({ action: "next" });
    }
  });

  it("answers an API call without credentials with 401 JSON, and sends a page view to sign in", async () => {
    const api = await decideAccess(request("GET", "/api/runs"), TOKEN);
    expect(api).toMatchObject({ action: "respond", status: 401, headers: { "WWW-Authenticate": 'Bearer realm="rl-rig"' } });
    expect(JSON.parse((api as { body: string }).body).error.code).toBe("unauthorized");
    const page = await decideAccess(request("GET", "/runs/abc?x=1"), TOKEN);
    expect(page).toMatchObject({ action: "respond", status: 303, headers: { Location: "/signin?next=%2Fruns%2Fabc%3Fx%3D1" } });
  });

  it("does not let a path that walks out of a public prefix stay public", async () => {
    for (const url of ["/s/../api/runs", "/s/%2e%2e/api/runs", "/api/share/..%2F..%2Fruns", "/s%2F..%2Fapi/runs", "/s/..\\api/runs", "//api/runs"]) {
      const decision = await decideAccess(request("GET", url), TOKEN);
      expect(decision.action, url).toBe("respond");
    }
    expect(normalisedPath("/s/../api//runs")).toBe("/api/runs");
    expect(normalisedPath("/s/a%2Fb")).toBeNull();
  });

  it("accepts the bearer token and refuses a wrong one", async () => {
    expect(await decideAccess(request("POST", "/api/runs", { authorization: `Bearer ${TOKEN}` }), TOKEN)).toEqual({ action: "next" });
    expect(await decideAccess(request("POST", "/api/runs", { authorization: `Bearer ${TOKEN}x` }), TOKEN)).toMatchObject({ status: 401 });
    expect(await decideAccess(request("GET", "/api/runs", { authorization: `Basic ${btoa(`rig:${TOKEN}`)}` }), TOKEN)).toMatchObject({ status: 401 });
  });

  it("lets a session cookie read, and write only with its CSRF value from this origin", async () => {
    const { cookie, csrf } = await signedInHeaders();
    expect(await decideAccess(request("GET", "/api/runs", { cookie }), TOKEN)).toEqual({ action: "next" });
    expect(await decideAccess(request("POST", "/api/runs", { cookie }), TOKEN)).toMatchObject({ status: 403 });
    expect(await decideAccess(request("POST", "/api/runs", { cookie, [CSRF_HEADER]: "guess" }), TOKEN)).toMatchObject({ status: 403 });
    expect(await decideAccess(request("POST", "/api/runs", { cookie, [CSRF_HEADER]: csrf }), TOKEN)).toEqual({ action: "next" });
    expect(await decideAccess(request("POST", "/api/runs", { cookie, [CSRF_HEADER]: csrf, origin: "http://rig.example:3000" }), TOKEN)).toEqual({ action: "next" });
    expect(await decideAccess(request("POST", "/api/runs", { cookie, [CSRF_HEADER]: csrf, origin: "https://evil.example" }), TOKEN)).toMatchObject({ status: 403 });
  });

  it("lets a signed-in server action through only from this origin, and never without a session", async () => {
    const { cookie } = await signedInHeaders();
    const action = { "next-action": "7f3a", cookie };
    expect(await decideAccess(request("POST", "/runs/abc", { ...action, origin: "http://rig.example:3000" }), TOKEN)).toEqual({ action: "next" });
    expect(await decideAccess(request("POST", "/runs/abc", action), TOKEN)).toMatchObject({ status: 403 });
    expect(await decideAccess(request("POST", "/runs/abc", { ...action, origin: "https://evil.example" }), TOKEN)).toMatchObject({ status: 403 });
    expect(await decideAccess(request("POST", "/runs/abc", { "next-action": "7f3a", origin: "http://rig.example:3000" }), TOKEN)).toMatchObject({ status: 401 });
    // The action header does not excuse an API write from its CSRF value.
    expect(await decideAccess(request("POST", "/api/runs", { ...action, origin: "http://rig.example:3000" }), TOKEN)).toMatchObject({ status: 403 });
  });

  it("refuses a session sealed for another token, a tampered seal and another session's CSRF value", async () => {
    const other = await createSession("another-token-0123456789");
    expect(await decideAccess(request("GET", "/api/runs", { cookie: `${SESSION_COOKIE}=${other.seal}` }), TOKEN)).toMatchObject({ status: 401 });
    const { cookie } = await signedInHeaders();
    const tampered = cookie.slice(0, -3) + (cookie.endsWith("A") ? "BBB" : "AAA");
    expect(await decideAccess(request("GET", "/api/runs", { cookie: tampered }), TOKEN)).toMatchObject({ status: 401 });
    const mine = await signedInHeaders();
    const yours = await signedInHeaders();
    expect(await decideAccess(request("DELETE", "/api/runs/x/share", { cookie: mine.cookie, [CSRF_HEADER]: yours.csrf }), TOKEN)).toMatchObject({ status: 403 });
  });
});

describe("decideAccess under random requests", () => {
  const segment = fc.oneof(fc.constantFrom("s", "api", "share", "images", "runs", "evals", "_next", "static", "signin", "session", "..", ".", "%2e%2e", "%2F", "%5C", "\\", "", "S"), fc.string({ maxLength: 6 }));
  const url = fc.tuple(fc.array(segment, { maxLength: 6 }), fc.option(fc.string({ maxLength: 10 }), { nil: undefined })).map(([parts, query]) => `/${parts.join("/")}${query === undefined ? "" : `?${query}`}`);
  const method = fc.constantFrom("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "get", "TRACE");
  const headers = fc.record(
    {
      authorization: fc.oneof(fc.string({ maxLength: 40 }), fc.constant("Bearer "), fc.constant(`Bearer ${TOKEN.slice(0, -1)}`)),
      cookie: fc.oneof(fc.string({ maxLength: 60 }), fc.string({ maxLength: 80 }).map((value) => `${SESSION_COOKIE}=${value}`)),
      [CSRF_HEADER]: fc.string({ maxLength: 40 }),
      origin: fc.string({ maxLength: 30 }),
    },
    { requiredKeys: [] },
  );

  it("never throws, and without valid credentials lets through only public paths", async () => {
    await fc.assert(
      fc.asyncProperty(method, url, headers, async (verb, target, extra) => {
        const decision = await decideAccess(request(verb, target, extra), TOKEN);
        if (decision.action === "next") expect(isPublicPath(normalisedPath(target)), target).toBe(true);
        else expect([303, 401, 403]).toContain(decision.status);
      }),
      { numRuns: 2000, seed: 4242 },
    );
  });
});

describe("safeReturnPath", () => {
  it("keeps same-origin paths and drops everything else", () => {
    expect(safeReturnPath("/runs/abc?x=1")).toBe("/runs/abc?x=1");
    for (const value of ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "", undefined, null]) {
      expect(safeReturnPath(value), String(value)).toBe("/");
    }
  });
});
