import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress } from "./http-server";

describe("clientAddress", () => {
  const message = (headers: Record<string, string>) => ({ headers: { ...headers }, socket: { remoteAddress: "10.1.2.3" } }) as unknown as IncomingMessage;

  it("uses the socket's address and replaces forwarding headers a client made up", () => {
    const request = message({ "x-forwarded-for": "1.1.1.1", "x-forwarded-host": "evil.example", "x-real-ip": "1.1.1.1" });
    expect(clientAddress(request, false)).toBe("10.1.2.3");
    expect(request.headers).toEqual({ "x-forwarded-for": "10.1.2.3" });
  });

  it("behind a trusted proxy, takes the entry the proxy appended, not what the client made up before it", () => {
    expect(clientAddress(message({ "x-forwarded-for": "1.1.1.1, 203.0.113.7" }), true)).toBe("203.0.113.7");
    expect(clientAddress(message({}), true)).toBe("10.1.2.3");
  });
});
