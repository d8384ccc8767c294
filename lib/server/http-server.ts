import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import next from "next";
import { MAX_DATASET_BYTES } from "../schemas/evaluation";
import { MAX_REWARD_BODY_BYTES } from "../schemas/reward";
import { decideAccess, isWrite, normalisedPath, REWARD_API_PATH, SESSION_API_PATH, type GuardDecision } from "./access-guard";
import type { ServerAccess } from "./config";
import { createRateLimits, type RateLimits } from "./rate-limits";
import { newNonce, securityHeaders } from "./security-headers";

/**
 * rl-rig's HTTP server: Next.js behind a thin Node layer that owns what Next's own `next start`
 * cannot: the listening address, the client's real address (for rate limits), the per-request
 * CSP nonce, request size limits, and access control before any route runs.
 */

/** The largest body any route but the reward service accepts: a data set upload and its multipart envelope. */
export const MAX_REQUEST_BYTES = MAX_DATASET_BYTES + 64 * 1024;

const FORWARDING_HEADERS = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip", "forwarded"];

/**
 * The client's address. Behind a trusted proxy it is the last X-Forwarded-For entry, the one the
 * proxy appended (the entries before it are whatever the client sent); without one, forwarding
 * headers a client sent are dropped.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const socketAddress = request.socket.remoteAddress ?? "unknown";
  if (trustProxy) {
    const forwarded = request.headers["x-forwarded-for"];
    const last = (Array.isArray(forwarded) ? forwarded.at(-1) : forwarded)?.split(",").at(-1)?.trim();
    return last || socketAddress;
  }
  for (const name of FORWARDING_HEADERS) delete request.headers[name];
  request.headers["x-forwarded-for"] = socketAddress;
  return socketAddress;
}

function send(response: ServerResponse, decision: Extract<GuardDecision, { action: "respond" }>): void {
  response.writeHead(decision.status, decision.headers);
  response.end(decision.body);
}

function refusal(status: number, code: string, message: string, headers: Record<string, string> = {}): Extract<GuardDecision, { action: "respond" }> {
  return {
    action: "respond",
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers },
    body: JSON.stringify({ error: { code, message } }),
  };
}

/** Size and rate checks that need no route: a refusal, or null to go on. */
async function admission(request: IncomingMessage, path: string | null, client: string, limits: RateLimits) {
  if (isWrite(request.method ?? "GET")) {
    const declared = request.headers["content-length"];
    if (declared === undefined && request.headers["transfer-encoding"] !== undefined) {
      return refusal(411, "length_required", "send a Content-Length with the request body");
    }
    const cap = path === REWARD_API_PATH ? MAX_REWARD_BODY_BYTES : MAX_REQUEST_BYTES;
    if (Number(declared ?? 0) > cap) {
      return refusal(413, "payload_too_large:body", `the request body is larger than ${cap} bytes`);
    }
    const kind = path === SESSION_API_PATH && request.method === "POST" ? "signin" : path === REWARD_API_PATH ? "reward" : "writes";
    const waitSeconds = await limits.take(kind, client);
    if (waitSeconds !== null) {
      const what = { signin: "sign-in attempts", reward: "reward requests", writes: "writes" }[kind];
      return refusal(429, "too_many_requests", `too many ${what} from this client; try again in ${waitSeconds} s`, { "Retry-After": String(waitSeconds) });
    }
  }
  return null;
}

export async function createRigServer(access: ServerAccess, options: { dev: boolean; dir?: string }): Promise<Server> {
  const app = next({ dev: options.dev, dir: options.dir ?? process.cwd(), hostname: access.host, port: access.port });
  await app.prepare();
  const handleWithNext = app.getRequestHandler();
  const limits = createRateLimits(access.rateLimits);

  const server = createServer(async (request, response) => {
    try {
      const client = clientAddress(request, access.trustProxy);
      const path = normalisedPath(request.url ?? "/");
      const nonce = newNonce();
      const headers = securityHeaders(path, nonce, options.dev);
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
      const refused =
        (await admission(request, path, client, limits)) ??
        (await decideAccess({ method: request.method ?? "GET", url: request.url ?? "/", headers: request.headers }, access.authToken, access.trustProxy));
      if (refused.action === "respond") return send(response, refused);
      // Next.js takes the nonce for its scripts from the request's CSP header.
      request.headers["content-security-policy"] = headers["Content-Security-Policy"];
      await handleWithNext(request, response);
    } catch (error) {
      console.error(`[rig server] ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      if (!response.headersSent) send(response, refusal(500, "internal", "the server failed to answer this request"));
      else response.end();
    }
  });
  // Longer than Node's 5 s default: clients that reuse a socket after a pause (the e2e request
  // fixture, proxies) otherwise race the server closing it and see ECONNRESET.
  server.keepAliveTimeout = 75_000;
  return server;
}
