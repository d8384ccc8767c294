import { describe, expect, it } from "vitest";
import { exposureProblem, isLoopbackHost, serverAccess } from "./config";

describe("serverAccess", () => {
  it("listens on loopback port 3000 with no access control by default", () => {
    expect(serverAccess({})).toMatchObject({ host: "127.0.0.1", port: 3000, authToken: undefined, trustProxy: false });
  });

  it("takes RIG_PORT over PORT, and treats an empty token as none", () => {
    expect(serverAccess({ PORT: "4000", RIG_PORT: "4100", RIG_AUTH_TOKEN: "" })).toMatchObject({ port: 4100, authToken: undefined });
  });

  it("refuses a short token with a message saying how to make one", () => {
    expect(() => serverAccess({ RIG_AUTH_TOKEN: "short" })).toThrow(/RIG_AUTH_TOKEN must be at least 16 characters; make one with: openssl rand -hex 32/);
  });
});

describe("exposureProblem", () => {
  it("allows loopback without a token and any address with one", () => {
    expect(exposureProblem(serverAccess({}))).toBeNull();
    expect(exposureProblem(serverAccess({ RIG_HOST: "::1" }))).toBeNull();
    expect(exposureProblem(serverAccess({ RIG_HOST: "0.0.0.0", RIG_AUTH_TOKEN: "0123456789abcdef" }))).toBeNull();
  });

  it("refuses every other address without a token, in one line that names the variable", () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.20", "rig.example.org"]) {
      const problem = exposureProblem(serverAccess({ RIG_HOST: host }));
      expect(problem, host).toMatch(/^refusing to listen on .* set RIG_AUTH_TOKEN/);
      expect(problem).not.toContain("\n");
    }
  });
});

describe("isLoopbackHost", () => {
  it("knows loopback addresses and names", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"]) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.1", "localhost.evil.example", "128.0.0.1"]) expect(isLoopbackHost(host), host).toBe(false);
  });
});
