import { afterEach, describe, expect, it } from "vitest";
import { decodeImage } from "../../image/png";
import { caught, manualClock, parseMultipart, sendJson, solidImage, solidPngBase64, startServer, waitFor } from "./__fixtures__/local-server";
import { createOpenAIImagesDiffuser, createOpenAIImagesEditor, openaiImagesOptionsSchema } from "./index";

const KEY = "sk-test-secret-key-123";
let server: Awaited<ReturnType<typeof startServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});


describe("OpenAI-compatible images back end", () => {
  it("generates through /images/generations with b64_json, size, seed and the bearer key", async () => {
    const png = await solidPngBase64(64, 48, [200, 10, 10, 255]);
    server = await startServer((_req, res) => sendJson(res, 200, { created: 1, data: [{ b64_json: png }] }));
    const diffuser = createOpenAIImagesDiffuser({ baseURL: `${server.url}/v1`, model: "sd-xl", apiKey: KEY, width: 64, height: 48, honorsSeed: true, extraBody: { quality: "high" } });
    const result = await diffuser.generate("a cup left of a laptop", { seed: 7 });
    expect(result.image.width).toBe(64);
    expect(result.image.height).toBe(48);
    expect(Array.from(result.image.data.slice(0, 4))).toEqual([200, 10, 10, 255]);
    expect(result.warnings).toEqual([]);
    const req = server.requests[0]!;
    expect(req.url).toBe("/v1/images/generations");
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.parse(req.body.toString())).toEqual({ model: "sd-xl", prompt: "a cup left of a laptop", n: 1, size: "64x48", response_format: "b64_json", seed: 7, quality: "high" });
  });

  it("sends no seed the model ignores (the loop warns from the catalogue), and resizes an image of another size", async () => {
    const png = await solidPngBase64(32, 32, [0, 0, 255, 255]);
    server = await startServer((_req, res) => sendJson(res, 200, { data: [{ b64_json: png }] }));
    const diffuser = createOpenAIImagesDiffuser({ baseURL: `${server.url}/v1`, model: "dall-e-3", width: 64, height: 64 });
    const result = await diffuser.generate("a dog", { seed: 3 });
    expect(result.image.width).toBe(64);
    expect(result.warnings.join("\n")).not.toMatch(/seed/);
    expect(result.warnings.join("\n")).toMatch(/returned 32x32 instead of 64x64/);
    const body = JSON.parse(server.requests[0]!.body.toString()) as Record<string, unknown>;
    expect(body.seed).toBeUndefined();
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it("edits through /images/edits with the image and a transparent-where-edited mask", async () => {
    const png = await solidPngBase64(16, 16, [0, 255, 0, 255]);
    server = await startServer((_req, res) => sendJson(res, 200, { data: [{ b64_json: png }] }));
    const editor = createOpenAIImagesEditor({ baseURL: `${server.url}/v1`, model: "gpt-image-1", apiKey: KEY, responseFormat: null });
    const input = solidImage(16, 16, [255, 0, 0, 255]);
    const mask = solidImage(16, 16, [0, 0, 0, 255]);
    mask.data.set([255, 255, 255, 255], 0); // repaint the first pixel only
    const result = await editor.edit(input, "make the cup blue", { seed: 1, mask } as never);
    expect(result.image.width).toBe(16);
    const req = server.requests[0]!;
    expect(req.url).toBe("/v1/images/edits");
    const form = await parseMultipart(req);
    expect(form.get("model")).toBe("gpt-image-1");
    expect(form.get("prompt")).toBe("make the cup blue");
    expect(form.get("size")).toBe("16x16");
    expect(form.get("response_format")).toBeNull();
    const sent = await decodeImage(Buffer.from(await (form.get("image") as Blob).arrayBuffer()));
    expect(Array.from(sent.data.slice(0, 4))).toEqual([255, 0, 0, 255]);
    const sentMask = await decodeImage(Buffer.from(await (form.get("mask") as Blob).arrayBuffer()));
    expect(sentMask.data[3]).toBe(0);
    expect(sentMask.data[7]).toBe(255);
  });

  it("turns a 400 error body into a non-retryable RoleError without the API key", async () => {
    server = await startServer((_req, res) =>
      sendJson(res, 400, { error: { message: `Invalid prompt (key ${KEY})`, type: "invalid_request_error", code: "content_policy_violation" } }),
    );
    const diffuser = createOpenAIImagesDiffuser({ baseURL: `${server.url}/v1`, model: "m", apiKey: KEY });
    const error = await caught(diffuser.generate("x", { seed: 1 }));
    expect(error.code).toBe("backend_unavailable");
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/HTTP 400: Invalid prompt/);
    expect(error.message).not.toContain(KEY);
  });

  it.each([408, 429, 500, 503])("marks HTTP %i retryable", async (status) => {
    server = await startServer((_req, res) => sendJson(res, status, { error: { message: "busy", type: "server_error" } }));
    const diffuser = createOpenAIImagesDiffuser({ baseURL: `${server.url}/v1`, model: "m" });
    const error = await caught(diffuser.generate("x", { seed: 1 }));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(`HTTP ${status}: busy`);
  });

  it("rejects malformed answers as model_output_invalid", async () => {
    let answer: unknown = { data: [{}] };
    server = await startServer((_req, res) => {
      if (typeof answer === "string") res.end(answer);
      else sendJson(res, 200, answer);
    });
    const diffuser = createOpenAIImagesDiffuser({ baseURL: `${server.url}/v1`, model: "m" });
    expect((await caught(diffuser.generate("x", { seed: 1 }))).code).toBe("model_output_invalid");
    answer = "{not json";
    expect((await caught(diffuser.generate("x", { seed: 1 }))).code).toBe("model_output_invalid");
    answer = { data: [{ b64_json: Buffer.from("not a png").toString("base64") }] };
    expect((await caught(diffuser.generate("x", { seed: 1 }))).code).toBe("model_output_invalid");
  });

  it("times out on the injected clock and marks it retryable", async () => {
    server = await startServer(() => undefined); // never answers
    const clock = manualClock();
    const diffuser = createOpenAIImagesDiffuser({ baseURL: `${server.url}/v1`, model: "m", timeoutMs: 5000 }, { clock });
    const pending = caught(diffuser.generate("x", { seed: 1 }));
    await waitFor(() => server!.requests.length === 1);
    clock.fireAll();
    const error = await pending;
    expect(error.code).toBe("timeout");
    expect(error.retryable).toBe(true);
    await server.closed[0];
  });

  it("propagates abort to the HTTP request", async () => {
    server = await startServer(() => undefined);
    const controller = new AbortController();
    const editor = createOpenAIImagesEditor({ baseURL: `${server.url}/v1`, model: "m" });
    const pending = caught(editor.edit(solidImage(8, 8, [1, 2, 3, 255]), "move it", { seed: 1, signal: controller.signal }));
    await waitFor(() => server!.requests.length === 1);
    controller.abort();
    const error = await pending;
    expect(error.code).toBe("aborted");
    await server.closed[0]; // the server saw the connection go away
  });

  it("reports an unreachable service as retryable", async () => {
    server = await startServer(() => undefined);
    const url = server.url;
    await server.close();
    server = undefined;
    const error = await caught(createOpenAIImagesDiffuser({ baseURL: `${url}/v1`, model: "m" }).generate("x", { seed: 1 }));
    expect(error.code).toBe("backend_unavailable");
    expect(error.retryable).toBe(true);
  });

  it("validates options", () => {
    expect(() => openaiImagesOptionsSchema.parse({ baseURL: "not a url", model: "m" })).toThrow();
    expect(openaiImagesOptionsSchema.parse({ baseURL: "http://127.0.0.1:1/v1", model: "m" }).width).toBe(1024);
  });
});

