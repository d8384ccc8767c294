import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultKind } from "./fault-proxy";

const IMAGE = "A".repeat(3000);
let upstream: Server;
let target = "";

beforeAll(async () => {
  upstream = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ images: [IMAGE], note: "ok" }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

async function through(kind: FaultKind | null, init: RequestInit = { method: "POST", body: "{}" }) {
  const proxy = await startFaultProxy({ target, rate: kind ? 1 : 0, kinds: kind ? [kind] : undefined });
  try {
    const response = await fetch(`${proxy.url}/sdapi/v1/txt2img`, { ...init, signal: AbortSignal.timeout(500) });
    return { status: response.status, text: await response.text(), counts: { ...proxy.counts } };
  } catch (error) {
    return { error: (error as Error).name, counts: { ...proxy.counts } };
  } finally {
    await proxy.close();
  }
}

describe("fault proxy", () => {
  it("forwards untouched at rate 0, and never faults a GET", async () => {
    expect(await through(null)).toMatchObject({ status: 200, text: JSON.stringify({ images: [IMAGE], note: "ok" }), counts: { passed: 1 } });
    expect(await through("5xx", { method: "GET" })).toMatchObject({ status: 200, counts: { passed: 1, "5xx": 0 } });
  });

  it("injects each kind of fault", async () => {
    const failed = await through("5xx");
    expect([500, 502, 503]).toContain(failed.status);
    expect((await through("timeout")).error).toBe("TimeoutError");
    expect((await through("stall")).error).toBe("TimeoutError");
    const malformed = await through("malformed");
    expect(malformed.status).toBe(200);
    expect(() => JSON.parse(malformed.text!)).toThrow();
    const truncated = await through("truncated-image");
    const body = JSON.parse(truncated.text!) as { images: string[]; note: string };
    expect(body.note).toBe("ok");
    expect(body.images[0]!.length).toBeLessThan(IMAGE.length / 2);
  });
});
