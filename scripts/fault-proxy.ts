import { createServer, request as forward, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mulberry32 } from "../lib/pipeline/evaluation/summary";

/**
 * A chaos proxy for back ends: it forwards HTTP requests to `target` and, for a seeded random
 * share of them, misbehaves the way real model servers do:
 *
 * - `timeout`: takes the request and never answers;
 * - `stall`: answers 200 with its headers and half the body, then goes silent;
 * - `5xx`: 500, 502 or 503 with a JSON error;
 * - `malformed`: 200 with the upstream body cut in half (broken JSON);
 * - `truncated-image`: 200 with the upstream JSON intact but every long base64 string (an image)
 *   cut to a third, or an image body cut short.
 *
 * Polling requests (GET) are passed through untouched, so faults land on the model calls.
 * Used by `npm run bench:faults`; point a profile's baseURL at it to shake a real back end.
 */
export const faultKinds = ["timeout", "stall", "5xx", "malformed", "truncated-image"] as const;
export type FaultKind = (typeof faultKinds)[number];

export interface FaultProxy {
  url: string;
  /** Requests forwarded untouched, and faults injected by kind. */
  counts: Record<FaultKind | "passed", number>;
  close(): Promise<void>;
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

function upstream(target: URL, request: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...request.headers, host: target.host };
    const outgoing = forward({ host: target.hostname, port: target.port, path: request.url, method: request.method, headers }, (answer) => {
      void readBody(answer).then((data) => {
        const kept: Record<string, string> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (typeof value === "string" && !["content-length", "transfer-encoding", "connection", "keep-alive"].includes(name)) kept[name] = value;
        }
        resolve({ status: answer.statusCode ?? 502, headers: kept, body: data });
      }, reject);
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/** Long base64 runs inside JSON strings are images; cut each to a third, keeping the JSON valid. */
function truncateImages(body: Buffer, contentType: string | undefined): Buffer {
  if (contentType?.startsWith("image/")) return body.subarray(0, Math.floor(body.length / 3));
  return Buffer.from(body.toString("utf8").replace(/([A-Za-z0-9+/]{600,}={0,2})/g, (image) => image.slice(0, Math.floor(image.length / 12) * 4)));
}

export async function startFaultProxy(options: { target: string; rate: number; seed?: number; kinds?: readonly FaultKind[] }): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = mulberry32(options.seed ?? 1);
  const kinds = options.kinds ?? faultKinds;
  const counts = Object.fromEntries([...faultKinds, "passed"].map((kind) => [kind, 0])) as FaultProxy["counts"];
  const held = new Set<ServerResponse>();

  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const fault = request.method !== "GET" && random() < options.rate ? kinds[Math.floor(random() * kinds.length)]! : null;
      counts[fault ?? "passed"] += 1;
      if (fault === "timeout") {
        held.add(response);
        response.on("close", () => held.delete(response));
        return;
      }
      if (fault === "5xx") {
        const status = [500, 502, 503][Math.floor(random() * 3)]!;
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: `injected ${status}` } }));
        return;
      }
      const answer = await upstream(target, request, body);
      if (fault === null) {
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
        return;
      }
      const half = answer.body.subarray(0, Math.floor(answer.body.length / 2));
      if (fault === "stall") {
        response.writeHead(200, { ...answer.headers, "content-length": String(answer.body.length) });
        response.write(half);
        held.add(response);
        response.on("close", () => held.delete(response));
        return;
      }
      const faulty = fault === "malformed" ? half : truncateImages(answer.body, answer.headers["content-type"]);
      response.writeHead(200, answer.headers);
      response.end(faulty);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: `fault proxy: ${error instanceof Error ? error.message : String(error)}` } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise((resolve) => {
        for (const response of held) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
