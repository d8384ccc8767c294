import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for an OpenAI-compatible server on 127.0.0.1 that speaks the real wire format:
 * `POST /v1/chat/completions` (messages with image_url content parts, `response_format` json_schema)
 * answered with a chat.completion object or an OpenAI error body, and `GET /v1/models`.
 * Each test queues the replies it wants; every request is recorded.
 */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

export type Reply = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export interface FakeOpenAiServer {
  baseURL: string;
  requests: RecordedRequest[];
  /** Replies for chat completions, used in order; the last one repeats. */
  queue(...replies: Reply[]): void;
  models: string[];
  close(): Promise<void>;
}

export function chatCompletion(content: string): Reply {
  return (_request, response) => {
    json(response, 200, {
      id: "chatcmpl-test",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "test-vlm",
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
  };
}

export const answer = (value: unknown): Reply => chatCompletion(JSON.stringify(value));

export function errorReply(status: number, message: string, headers: Record<string, string> = {}): Reply {
  return (_request, response) => {
    json(response, status, { error: { message, type: status === 429 ? "rate_limit_exceeded" : "invalid_request_error", param: null, code: null } }, headers);
  };
}

/** Never answers in time (answers after `ms`, when the client has long gone). */
export function slowReply(ms: number, then: Reply): Reply {
  return (request, response) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        if (!response.destroyed) void then(request, response);
        resolve();
      }, ms);
      response.on("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/** `port` 0 (the default) takes any free port. */
export async function startFakeOpenAi(options: { apiKey?: string; models?: string[]; port?: number } = {}): Promise<FakeOpenAiServer> {
  const requests: RecordedRequest[] = [];
  let replies: Reply[] = [];
  const state = { models: options.models ?? ["test-vlm"] };
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const recorded: RecordedRequest = { method: request.method ?? "", url: request.url ?? "", headers: request.headers, body: text ? JSON.parse(text) : undefined };
    requests.push(recorded);
    if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return errorReply(401, "Incorrect API key provided.")(recorded, response);
    }
    if (request.method === "GET" && request.url === "/v1/models") {
      return json(response, 200, { object: "list", data: state.models.map((id) => ({ id, object: "model", created: 0, owned_by: "test" })) });
    }
    if (request.method === "POST" && request.url === "/v1/chat/completions") {
      const reply = replies.length > 1 ? replies.shift()! : replies[0];
      if (!reply) return errorReply(500, "no reply queued")(recorded, response);
      return reply(recorded, response);
    }
    json(response, 404, { error: { message: `no route ${request.method} ${request.url}`, type: "not_found" } });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    queue: (...next) => {
      replies = next;
    },
    get models() {
      return state.models;
    },
    set models(value) {
      state.models = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: string[];
}

/**
 * What a chat-completions request's `response_format` asks for, as a fake VLM reads it: the role
 * (a Checker's schema has `objects`, a Judge's `score`, else an Actor) and, for a Checker, the
 * object labels and predicates the schema offers; the only things a server learns about the answer.
 */
export function requestedAnswer(body: unknown): { role: "checker" | "judge" | "actor"; labels: string[]; predicates: string[] } {
  const properties = (body as { response_format?: { json_schema?: { schema?: JsonSchema } } }).response_format?.json_schema?.schema?.properties ?? {};
  const role = properties.objects ? "checker" : properties.score ? "judge" : "actor";
  return {
    role,
    labels: properties.objects?.items?.properties?.label?.enum ?? [],
    predicates: properties.relations?.items?.properties?.predicate?.enum ?? [],
  };
}

/** A Checker's answer naming each offered label once, side by side, with the one offered predicate between the first two when `related`. */
export function checkerAnswerFor(labels: readonly string[], predicates: readonly string[], related: boolean) {
  const objects = labels.map((label, index) => ({ id: `o${index + 1}`, label, attributes: [], box: { x: 0.1 + 0.45 * index, y: 0.4, width: 0.35, height: 0.3 } }));
  const relations = related && objects.length === 2 && predicates.length === 1 ? [{ subject: "o1", predicate: predicates[0], object: "o2" }] : [];
  return { objects, relations };
}
