import { sceneGraphMetrics } from "../../metrics/scene-graph-iou";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { answer, chatCompletion, errorReply, slowReply, startFakeOpenAi, type FakeOpenAiServer } from "./__fixtures__/fake-openai-server";
import { VlmActor, VlmChecker, VlmJudge, type VlmRoleOptions } from "./roles";
import { createRaster } from "../../image/raster";
import { RoleError } from "../../roles/errors";
import type { SceneGraph } from "../../scene-graph/schema";

const apiKey = "sk-test-SECRET-0123456789abcdef";
const target: SceneGraph = {
  objects: [
    { id: "cup", label: "cup", attributes: ["red"] },
    { id: "laptop", label: "laptop", attributes: [] },
    { id: "dog", label: "dog", attributes: [] },
  ],
  relations: [
    { subject: "cup", predicate: "left of", object: "laptop" },
    { subject: "dog", predicate: "in front of", object: "laptop" },
  ],
};
const image = createRaster(16, 16);
const seenCupRightOfLaptop = {
  objects: [
    { id: "o1", label: "laptop", attributes: [], box: { x: 0.1, y: 0.4, width: 0.4, height: 0.3 } },
    { id: "o2", label: "cup", attributes: ["red"], box: { x: 0.6, y: 0.5, width: 0.1, height: 0.1 } },
  ],
  relations: [],
};
const cupLeftOfLaptop = {
  objects: [
    { id: "a", label: "cup", attributes: ["red"], box: { x: 0.1, y: 0.5, width: 0.1, height: 0.1 } },
    { id: "b", label: "laptop", attributes: [], box: { x: 0.4, y: 0.4, width: 0.4, height: 0.3 } },
  ],
  relations: [{ subject: "a", predicate: "left of", object: "b" }],
};

let server: FakeOpenAiServer;
const sleeps: number[] = [];
const options = (extra: Partial<VlmRoleOptions> = {}): VlmRoleOptions => ({
  baseURL: server.baseURL,
  model: "test-vlm",
  apiKey,
  timeoutMs: 5_000,
  maxRetries: 2,
  sleep: async (ms) => {
    sleeps.push(ms);
  },
  ...extra,
});
const chatRequests = () => server.requests.filter((request) => request.url === "/v1/chat/completions");
type ChatBody = { model: string; messages: { role: string; content: string | { type: string; text?: string; image_url?: { url: string } }[] }[]; response_format?: { type: string; json_schema?: { schema: unknown } } };
const bodyOf = (index: number) => chatRequests()[index]!.body as ChatBody;

async function failure(promise: Promise<unknown>): Promise<RoleError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RoleError);
    return error as RoleError;
  }
  throw new Error("expected the call to fail");
}

beforeEach(async () => {
  server = await startFakeOpenAi({ apiKey });
  sleeps.length = 0;
});
afterEach(async () => {
  vi.restoreAllMocks();
  await server.close();
});

describe("VLM Checker over OpenAI-compatible chat completions", () => {
  it("sends the image as a PNG data URL with the LAION-SG prompt and a JSON schema, and critiques the answer", async () => {
    server.queue(answer(seenCupRightOfLaptop));
    const checker = new VlmChecker(options());
    expect(checker.promptVersion).toBe("checker.v2");
    const result = await checker.check(image, target, { seed: 7 });

    const body = bodyOf(0);
    expect(body.model).toBe("test-vlm");
    expect(chatRequests()[0]!.headers.authorization).toBe(`Bearer ${apiKey}`);
    const parts = body.messages[0]!.content as { type: string; text?: string; image_url?: { url: string } }[];
    expect(parts.find((part) => part.type === "image_url")!.image_url!.url).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    const text = parts.find((part) => part.type === "text")!.text!;
    expect(text).toContain("OBJECT NAMES: cup, laptop, dog");
    expect(text).toContain("PREDICATE NAMES: left of, in front of");
    expect(text).toContain("ATTRIBUTE WORDS: red");
    expect(body.response_format?.type).toBe("json_schema");
    expect(JSON.stringify(body.response_format?.json_schema?.schema)).toContain('"enum":["cup","laptop","dog"]');

    expect(result.detected.objects.map((object) => object.label)).toEqual(["laptop", "cup"]);
    expect(result.critique.matches).toEqual({ cup: "o2", laptop: "o1" });
    expect(result.critique.missingObjects).toEqual(["dog"]);
    expect(result.critique.triples.map((triple) => triple.status)).toEqual(["violated", "missing"]);
    expect(result.critique.locations.cup).toEqual({ x: 0.6, y: 0.5, width: 0.1, height: 0.1 });
  });

  it("keeps only the attribute words the target asks about, so a right answer with an extra word still scores", async () => {
    const ceramic = { ...cupLeftOfLaptop, objects: [{ ...cupLeftOfLaptop.objects[0]!, attributes: ["Red", "ceramic"] }, cupLeftOfLaptop.objects[1]!] };
    server.queue(answer(ceramic));
    const result = await new VlmChecker(options()).check(image, target, { seed: 1 });
    expect(result.detected.objects[0]!.attributes).toEqual(["Red"]);
    expect(result.warnings).toContain("left out attributes the target does not ask about: ceramic");
    expect(sceneGraphMetrics(target, result.detected).sgIoU).toBe(0.5);
  });

  it("marks a triple satisfied when the model reports it with the target's predicate", async () => {
    server.queue(answer(cupLeftOfLaptop));
    const result = await new VlmChecker(options()).check(image, target, { seed: 1 });
    expect(result.critique.triples[0]!.status).toBe("satisfied");
    expect(result.detected.relations).toEqual([{ subject: "a", predicate: "left of", object: "b" }]);
  });

  it("feeds a malformed answer's error back and accepts the corrected answer", async () => {
    server.queue(chatCompletion("{ not json"), answer(cupLeftOfLaptop));
    const result = await new VlmChecker(options()).check(image, target, { seed: 1 });
    expect(chatRequests()).toHaveLength(2);
    const retry = bodyOf(1).messages;
    expect(retry.at(-2)).toMatchObject({ role: "assistant" });
    expect(JSON.stringify(retry.at(-1))).toContain("Your answer was not valid");
    expect(result.warnings.join(" ")).toContain("2 attempts");
  });

  it("feeds schema violations back and ends with model_output_invalid when the model will not comply", async () => {
    const offVocabulary = { objects: [{ id: "x", label: "banana", attributes: [], box: { x: 0, y: 0, width: 0.5, height: 0.5 } }], relations: [] };
    server.queue(answer(offVocabulary));
    const error = await failure(new VlmChecker(options({ maxValidationAttempts: 3 })).check(image, target, { seed: 1 }));
    expect(error.code).toBe("model_output_invalid");
    expect(error.message).toContain("3 attempt");
    expect(error.message).toContain("objects.0.label");
    expect(chatRequests()).toHaveLength(3);
    expect(JSON.stringify(bodyOf(2).messages.at(-1))).toContain("objects.0.label");
  });

  it("rejects relations that name objects the model did not report", async () => {
    const dangling = { objects: cupLeftOfLaptop.objects, relations: [{ subject: "a", predicate: "left of", object: "zzz" }] };
    server.queue(answer(dangling), answer(cupLeftOfLaptop));
    const result = await new VlmChecker(options()).check(image, target, { seed: 1 });
    expect(JSON.stringify(bodyOf(1).messages.at(-1))).toContain("is not the id of a reported object");
    expect(result.critique.triples[0]!.status).toBe("satisfied");
  });
});

describe("VLM Actor and Judge", () => {
  it("Actor: image + target + critique + history -> one instruction", async () => {
    server.queue(answer({ instruction: "Move the red cup to the left of the laptop." }));
    const actor = new VlmActor(options());
    const critique = {
      triples: [],
      missingObjects: [],
      extraObjects: [],
      attributeMismatches: [],
      matches: {},
      locations: {},
      depths: {},
      summary: "Violated: red cup should be left of laptop.",
    };
    const result = await actor.act({ image, target, critique, history: ["add a dog"] }, { seed: 2 });
    expect(actor.promptVersion).toBe("actor.v1");
    expect(result.instruction).toBe("Move the red cup to the left of the laptop.");
    const text = JSON.stringify(bodyOf(0).messages);
    expect(text).toContain("Violated: red cup should be left of laptop.");
    expect(text).toContain("1. add a dog");
    expect(text).toContain("red cup (cup) left of laptop (laptop)");
    expect(text).toContain("data:image/png;base64,");
  });

  it("Actor: several distinct candidates for training; duplicates are fed back", async () => {
    server.queue(answer({ instructions: ["add a dog", "Add a dog"] }), answer({ instructions: ["add a dog", "move the cup left"] }));
    const critique = { triples: [], missingObjects: ["dog"], extraObjects: [], attributeMismatches: [], matches: {}, locations: {}, depths: {}, summary: "Missing: dog." };
    const result = await new VlmActor(options()).proposeInstructions({ image, target, critique, history: [] }, 3, { seed: 1 });
    expect(result.instructions).toEqual(["add a dog", "move the cup left"]);
    expect(result.promptVersion).toBe("actor-candidates.v1");
    expect(result.warnings.join(" ")).toContain("asked for 3 candidates");
    expect(JSON.stringify(bodyOf(0).messages)).toContain("Propose 3 DIFFERENT");
    expect(JSON.stringify(bodyOf(1).messages.at(-1))).toContain("the instructions must differ");
  });

  it("Judge: score 1-10 with a rationale; an out-of-range score is retried", async () => {
    server.queue(answer({ score: 12, rationale: "great" }), answer({ score: 4, rationale: "the cup is on the wrong side" }));
    const judge = new VlmJudge(options());
    const result = await judge.judge(image, "a red cup left of a laptop", { seed: 3 });
    expect(judge.promptVersion).toBe("judge.v1");
    expect(result).toMatchObject({ score: 4, rationale: "the cup is on the wrong side" });
    expect(JSON.stringify(bodyOf(0).messages)).toContain("PROMPT: a red cup left of a laptop");
  });
});

describe("faults", () => {
  it("a 4xx error body becomes backend_unavailable at once, with the server's message", async () => {
    server.queue(errorReply(400, "Invalid image content"));
    const error = await failure(new VlmJudge(options()).judge(image, "a cup", { seed: 1 }));
    expect(error.code).toBe("backend_unavailable");
    expect(error.message).toContain("HTTP 400");
    expect(error.message).toContain("Invalid image content");
    expect(error.retryable).toBe(false);
    expect(chatRequests()).toHaveLength(1);
  });

  it("retries a 500 with backoff, then succeeds", async () => {
    server.queue(errorReply(500, "internal"), answer({ score: 8, rationale: "fine" }));
    const result = await new VlmJudge(options({ baseDelayMs: 100 })).judge(image, "a cup", { seed: 1 });
    expect(result.score).toBe(8);
    expect(chatRequests()).toHaveLength(2);
    expect(sleeps).toEqual([100]);
  });

  it("honours Retry-After on 429", async () => {
    server.queue(errorReply(429, "slow down", { "retry-after": "3" }), answer({ score: 9, rationale: "ok" }));
    await new VlmJudge(options()).judge(image, "a cup", { seed: 1 });
    expect(sleeps).toEqual([3000]);
  });

  it("gives up after the bounded retries with the last status", async () => {
    server.queue(errorReply(503, "overloaded"));
    const error = await failure(new VlmJudge(options({ maxRetries: 2, baseDelayMs: 10 })).judge(image, "a cup", { seed: 1 }));
    expect(error.message).toContain("HTTP 503");
    expect(error.retryable).toBe(true);
    expect(chatRequests()).toHaveLength(3);
    expect(sleeps).toEqual([10, 20]);
  });

  it("a slow answer hits the timeout (each attempt), then fails as timeout", async () => {
    server.queue(slowReply(5_000, answer({ score: 5, rationale: "late" })));
    const started = Date.now();
    const error = await failure(new VlmJudge(options({ timeoutMs: 200, maxRetries: 1 })).judge(image, "a cup", { seed: 1 }));
    expect(error.code).toBe("timeout");
    expect(error.message).toContain("200 ms");
    expect(chatRequests()).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("abort during the request cancels it and fails as aborted", async () => {
    server.queue(slowReply(5_000, answer({ score: 5, rationale: "late" })));
    const controller = new AbortController();
    const closed = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (chatRequests().length > 0) {
          clearInterval(timer);
          controller.abort();
          resolve();
        }
      }, 10);
    });
    const started = Date.now();
    const error = await failure(new VlmJudge(options()).judge(image, "a cup", { seed: 1, signal: controller.signal }));
    await closed;
    expect(error.code).toBe("aborted");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(chatRequests()).toHaveLength(1);
  });

  it("an already aborted call sends nothing", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(new VlmChecker(options()).check(image, target, { seed: 1, signal: controller.signal }));
    expect(error.code).toBe("aborted");
    expect(server.requests).toHaveLength(0);
  });

  it("API keys never appear in error messages or logs, even when the server echoes them", async () => {
    const logged: string[] = [];
    for (const method of ["log", "warn", "error", "info", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      });
    }
    server.queue(errorReply(401, `Incorrect API key provided: ${apiKey}. Header was Bearer ${apiKey}`));
    const error = await failure(new VlmJudge(options()).judge(image, "a cup", { seed: 1 }));
    expect(error.message).toContain("Incorrect API key provided");
    expect(error.message).not.toContain(apiKey);
    expect(String(error.stack)).not.toContain(apiKey);

    const wrongKey = await failure(new VlmJudge(options({ apiKey: "sk-wrong-0123456789" })).judge(image, "a cup", { seed: 1 }));
    expect(wrongKey.message).toContain("HTTP 401");
    expect(wrongKey.message).not.toContain("sk-wrong-0123456789");
    expect(logged.join("\n")).not.toContain(apiKey);
    expect(logged.join("\n")).not.toContain("sk-wrong");
  });
});
