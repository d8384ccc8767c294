import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { encodePng } from "../../../image/png";
import { RoleError } from "../../../roles/errors";
import { createRaster, type RasterImage } from "../../../image/raster";

/** A recorded request to a local fake service. */
export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

export type Handler = (req: Recorded, res: ServerResponse, raw: IncomingMessage) => unknown;

/** An HTTP server on 127.0.0.1 with a random port that records every request. */
export async function startServer(handler: Handler): Promise<{ url: string; server: Server; requests: Recorded[]; closed: Promise<void>[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const closed: Promise<void>[] = [];
  const server = createServer((req, res) => {
    closed.push(new Promise((resolve) => req.socket.once("close", () => resolve())));
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const recorded = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(recorded);
      void Promise.resolve(handler(recorded, res, req)).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    requests,
    closed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** A tiny solid-colour image (the fixtures are made at test time, not committed as binaries). */
export function solidImage(width: number, height: number, rgba: [number, number, number, number]): RasterImage {
  const image = createRaster(width, height);
  for (let i = 0; i < width * height; i++) image.data.set(rgba, i * 4);
  return image;
}

export async function solidPngBase64(width: number, height: number, rgba: [number, number, number, number]): Promise<string> {
  return (await encodePng(solidImage(width, height, rgba))).toString("base64");
}

/** Parses a multipart/form-data body the way a server framework would. */
export async function parseMultipart(req: Recorded): Promise<FormData> {
  return new Request("http://127.0.0.1/", {
    method: "POST",
    headers: { "content-type": String(req.headers["content-type"]) },
    body: new Uint8Array(req.body),
  }).formData();
}

/** A clock whose timers fire only when the test says so. */
export function manualClock(): { setTimeout(cb: () => void, ms: number): unknown; clearTimeout(h: unknown): void; fireAll(): void; pending(): number } {
  const timers = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout(cb) {
      const id = next++;
      timers.set(id, cb);
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    fireAll() {
      const callbacks = [...timers.values()];
      timers.clear();
      for (const cb of callbacks) cb();
    },
    pending: () => timers.size,
  };
}

/** The RoleError a role call rejects with (fails the test if it resolves or throws something else). */
export async function caught(promise: Promise<unknown>): Promise<RoleError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RoleError);
  return error as RoleError;
}

/** Polls until `condition` holds (up to ~3 s), then asserts it. */
export async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}
