import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { decodeImage, encodePng } from "../../image/png";
import { caught, manualClock, parseMultipart, sendJson, solidImage, startServer, waitFor, type Recorded } from "../openai-images/__fixtures__/local-server";
import { runLoop } from "../../loop/engine";
import { eventLog, fakeRoles, score, target } from "../../loop/test-support";
import type { RoleProgress } from "../../roles/types";
import { comfyuiOptionsSchema, createComfyUIDiffuser, createComfyUIEditor, fillWorkflow } from "./index";

type Script = "success" | "execution_success" | "error" | "interrupted" | "hang" | "no-image" | "bad-prompt";

/** A fake ComfyUI on 127.0.0.1 speaking its REST and WebSocket wire format. */
async function fakeComfy(script: Script, outputSize = 32) {
  const sockets = new Map<string, WebSocket>();
  const prompts: { prompt: Record<string, { class_type: string; inputs: Record<string, unknown> }>; client_id: string }[] = [];
  const uploads: FormData[] = [];
  const png = await encodePng(solidImage(outputSize, outputSize, [9, 99, 199, 255]));
  const send = (clientId: string, message: unknown) => sockets.get(clientId)?.send(JSON.stringify(message));
  const server = await startServer(async (req: Recorded, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (url.pathname === "/upload/image") {
      const form = await parseMultipart(req);
      uploads.push(form);
      return sendJson(res, 200, { name: (form.get("image") as File).name, subfolder: "", type: "input" });
    }
    if (url.pathname === "/prompt") {
      if (script === "bad-prompt") {
        return sendJson(res, 400, { error: { type: "prompt_outputs_failed_validation", message: "Prompt outputs failed validation", details: "", extra_info: {} }, node_errors: {} });
      }
      const body = JSON.parse(req.body.toString()) as (typeof prompts)[number];
      prompts.push(body);
      const id = `p-${prompts.length}`;
      sendJson(res, 200, { prompt_id: id, number: prompts.length, node_errors: {} });
      const c = body.client_id;
      setTimeout(() => {
        send(c, { type: "status", data: { status: { exec_info: { queue_remaining: 1 } } } });
        send(c, { type: "execution_start", data: { prompt_id: id, timestamp: 1 } });
        send(c, { type: "execution_cached", data: { nodes: [], prompt_id: id, timestamp: 1 } });
        send(c, { type: "executing", data: { node: "3", display_node: "3", prompt_id: id } });
        sockets.get(c)?.send(Buffer.from([0, 0, 0, 1, 0, 0, 0, 2])); // binary preview frame
        send(c, { type: "progress", data: { value: 1, max: 2, prompt_id: id, node: "3" } });
        send(c, { type: "executing", data: { node: null, prompt_id: "someone-else" } });
        if (script === "hang") return;
        send(c, { type: "progress", data: { value: 2, max: 2, prompt_id: id, node: "3" } });
        if (script === "error") {
          send(c, { type: "execution_error", data: { prompt_id: id, node_id: "3", node_type: "KSampler", exception_message: "CUDA out of memory", exception_type: "torch.OutOfMemoryError", traceback: [] } });
        } else if (script === "interrupted") {
          send(c, { type: "execution_interrupted", data: { prompt_id: id, node_id: "3", node_type: "KSampler", executed: [] } });
        } else if (script === "execution_success") {
          send(c, { type: "execution_success", data: { prompt_id: id, timestamp: 2 } });
        } else {
          send(c, { type: "executing", data: { node: null, prompt_id: id } });
        }
      }, 5);
      return;
    }
    const history = /^\/history\/(.+)$/.exec(url.pathname);
    if (history) {
      const id = history[1]!;
      const images = script === "no-image" ? [] : [{ filename: "rl-rig_00001_.png", subfolder: "", type: "output" }];
      return sendJson(res, 200, { [id]: { prompt: [], outputs: { "9": { images } }, status: { status_str: "success", completed: true, messages: [] } } });
    }
    if (url.pathname === "/view") {
      if (url.searchParams.get("filename") !== "rl-rig_00001_.png" || url.searchParams.get("type") !== "output") return sendJson(res, 404, { message: "not found" });
      res.writeHead(200, { "content-type": "image/png" });
      return res.end(png);
    }
    if (url.pathname === "/queue" || url.pathname === "/interrupt") return sendJson(res, 200, {});
    sendJson(res, 404, {});
  });
  const wss = new WebSocketServer({ server: server.server, path: "/ws" });
  wss.on("connection", (socket, request) => {
    const clientId = new URL(request.url ?? "/", "http://127.0.0.1").searchParams.get("clientId") ?? "";
    sockets.set(clientId, socket);
    socket.send(JSON.stringify({ type: "status", data: { status: { exec_info: { queue_remaining: 0 } }, sid: clientId } }));
  });
  return {
    ...server,
    prompts,
    uploads,
    sockets,
    close: async () => {
      for (const s of wss.clients) s.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await server.close();
    },
  };
}

let comfy: Awaited<ReturnType<typeof fakeComfy>> | undefined;
afterEach(async () => {
  await comfy?.close();
  comfy = undefined;
});



describe("ComfyUI back end", () => {
  it("queues the text-to-image workflow with filled placeholders, reports progress and fetches the image", async () => {
    comfy = await fakeComfy("success");
    const progress: RoleProgress[] = [];
    const diffuser = createComfyUIDiffuser({ baseURL: comfy.url, width: 32, height: 32, steps: 2, checkpoint: "sdxl.safetensors", negativePrompt: "blurry" });
    const result = await diffuser.generate("a dog left of a bench", { seed: 1234, onProgress: (p) => progress.push(p) });
    expect(result.image.width).toBe(32);
    expect(Array.from(result.image.data.slice(0, 4))).toEqual([9, 99, 199, 255]);
    expect(result.warnings).toEqual([]);
    const { prompt, client_id } = comfy.prompts[0]!;
    expect(comfy.sockets.has(client_id)).toBe(true);
    const sampler = Object.values(prompt).find((n) => n.class_type === "KSampler")!;
    expect(sampler.inputs).toMatchObject({ seed: 1234, steps: 2, cfg: 7, denoise: 1 });
    const latent = Object.values(prompt).find((n) => n.class_type === "EmptyLatentImage")!;
    expect(latent.inputs).toMatchObject({ width: 32, height: 32 });
    const texts = Object.values(prompt).filter((n) => n.class_type === "CLIPTextEncode").map((n) => n.inputs.text);
    expect(texts).toEqual(["a dog left of a bench", "blurry"]);
    expect(JSON.stringify(prompt)).not.toContain("{{");
    expect(progress).toEqual([{ done: 1, total: 2, stage: "3" }, { done: 2, total: 2, stage: "3" }]);
  });

  it("also accepts execution_success as done, and resizes an output of another size with a warning", async () => {
    comfy = await fakeComfy("execution_success", 16);
    const result = await createComfyUIDiffuser({ baseURL: comfy.url, width: 32, height: 32 }).generate("x", { seed: 1 });
    expect(result.image.width).toBe(32);
    expect(result.warnings.join()).toMatch(/returned 16x16 instead of 32x32/);
  });

  it("uploads the image and mask for the edit workflow", async () => {
    comfy = await fakeComfy("success");
    const editor = createComfyUIEditor({ baseURL: comfy.url, denoise: 0.5 });
    const mask = solidImage(32, 32, [0, 0, 0, 255]);
    mask.data.set([255, 255, 255, 255], 0);
    const result = await editor.edit(solidImage(32, 32, [255, 0, 0, 255]), "move the dog to the left", { seed: 9, mask } as never);
    expect(result.image.width).toBe(32);
    expect(comfy.uploads).toHaveLength(2);
    expect(comfy.uploads[0]!.get("type")).toBe("input");
    const sent = await decodeImage(Buffer.from(await (comfy.uploads[0]!.get("image") as File).arrayBuffer()));
    expect(Array.from(sent.data.slice(0, 4))).toEqual([255, 0, 0, 255]);
    const sentMask = await decodeImage(Buffer.from(await (comfy.uploads[1]!.get("image") as File).arrayBuffer()));
    expect(Array.from(sentMask.data.slice(0, 8))).toEqual([255, 255, 255, 255, 0, 0, 0, 255]);
    const { prompt } = comfy.prompts[0]!;
    const load = Object.values(prompt).find((n) => n.class_type === "LoadImage")!;
    expect(load.inputs.image).toBe((comfy.uploads[0]!.get("image") as File).name);
    const loadMask = Object.values(prompt).find((n) => n.class_type === "LoadImageMask")!;
    expect(loadMask.inputs.image).toBe((comfy.uploads[1]!.get("image") as File).name);
    expect(Object.values(prompt).find((n) => n.class_type === "KSampler")!.inputs).toMatchObject({ seed: 9, denoise: 0.5 });
  });

  it("edits without a mask by uploading a full (white) mask", async () => {
    comfy = await fakeComfy("success");
    await createComfyUIEditor({ baseURL: comfy.url }).edit(solidImage(8, 8, [1, 2, 3, 255]), "x", { seed: 1 });
    const sentMask = await decodeImage(Buffer.from(await (comfy.uploads[1]!.get("image") as File).arrayBuffer()));
    expect(sentMask.data.every((v) => v === 255)).toBe(true);
  });

  it("turns execution_error into a RoleError naming the node", async () => {
    comfy = await fakeComfy("error");
    const error = await caught(createComfyUIDiffuser({ baseURL: comfy.url }).generate("x", { seed: 1 }));
    expect(error.code).toBe("backend_unavailable");
    expect(error.message).toMatch(/KSampler 3: CUDA out of memory/);
  });

  it("turns execution_interrupted into a retryable RoleError", async () => {
    comfy = await fakeComfy("interrupted");
    const error = await caught(createComfyUIDiffuser({ baseURL: comfy.url }).generate("x", { seed: 1 }));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/interrupted/);
  });

  it("parses a /prompt validation error body", async () => {
    comfy = await fakeComfy("bad-prompt");
    const error = await caught(createComfyUIDiffuser({ baseURL: comfy.url }).generate("x", { seed: 1 }));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/HTTP 400: Prompt outputs failed validation/);
  });

  it("reports a finished job without an output image as invalid output", async () => {
    comfy = await fakeComfy("no-image");
    const error = await caught(createComfyUIDiffuser({ baseURL: comfy.url }).generate("x", { seed: 1 }));
    expect(error.code).toBe("model_output_invalid");
  });

  it("aborts mid-wait: closes the socket and asks ComfyUI to drop the job", async () => {
    comfy = await fakeComfy("hang");
    const controller = new AbortController();
    const progress: RoleProgress[] = [];
    const pending = caught(createComfyUIDiffuser({ baseURL: comfy.url }).generate("x", { seed: 1, signal: controller.signal, onProgress: (p) => progress.push(p) }));
    await waitFor(() => progress.length === 1);
    controller.abort();
    expect((await pending).code).toBe("aborted");
    await waitFor(() => comfy!.requests.some((r) => r.url === "/interrupt"));
    const del = comfy.requests.find((r) => r.url === "/queue")!;
    expect(JSON.parse(del.body.toString())).toEqual({ delete: ["p-1"] });
  });

  it("times out on the injected clock while waiting for the socket (retryable)", async () => {
    comfy = await fakeComfy("hang");
    const clock = manualClock();
    const progress: RoleProgress[] = [];
    const pending = caught(createComfyUIDiffuser({ baseURL: comfy.url, timeoutMs: 1000 }, { clock }).generate("x", { seed: 1, onProgress: (p) => progress.push(p) }));
    await waitFor(() => progress.length === 1);
    clock.fireAll();
    const error = await pending;
    expect(error.code).toBe("timeout");
    expect(error.retryable).toBe(true);
  });

  it("fails cleanly when the socket closes before the job is done", async () => {
    comfy = await fakeComfy("hang");
    const progress: RoleProgress[] = [];
    const pending = caught(createComfyUIDiffuser({ baseURL: comfy.url }).generate("x", { seed: 1, onProgress: (p) => progress.push(p) }));
    await waitFor(() => progress.length === 1);
    for (const s of comfy.sockets.values()) s.terminate();
    const error = await pending;
    expect(error.code).toBe("backend_unavailable");
    expect(error.retryable).toBe(true);
  });

  it("reports an unreachable server as retryable", async () => {
    comfy = await fakeComfy("success");
    const url = comfy.url;
    await comfy.close();
    comfy = undefined;
    const error = await caught(createComfyUIDiffuser({ baseURL: url }).generate("x", { seed: 1 }));
    expect(error.code).toBe("backend_unavailable");
    expect(error.retryable).toBe(true);
  });

  it("reports nothing after the call settled, and a throwing listener does not break the call", async () => {
    comfy = await fakeComfy("success");
    const progress: RoleProgress[] = [];
    const result = await createComfyUIDiffuser({ baseURL: comfy.url, width: 32, height: 32 }).generate("x", {
      seed: 1,
      onProgress: (p) => {
        progress.push(p);
        throw new Error("listener bug");
      },
    });
    expect(result.image.width).toBe(32);
    const id = comfy.prompts[0]!.client_id;
    comfy.sockets.get(id)?.send(JSON.stringify({ type: "progress", data: { value: 3, max: 3, prompt_id: "p-1", node: "3" } }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(progress.map((p) => `${p.done}/${p.total}`)).toEqual(["1/2", "2/2"]);
  });

  it("surfaces sampling progress in a loop run as role-progress events of the Diffuser and the Editor", async () => {
    comfy = await fakeComfy("success");
    const options = { baseURL: comfy.url, width: 32, height: 32, steps: 2 };
    const fakes = fakeRoles({ script: [2, 8] });
    const log = eventLog();
    const roles = { ...fakes.roles, diffuser: createComfyUIDiffuser(options), editor: createComfyUIEditor(options) };
    const result = await runLoop({ target, prompt: "a dog left of a bench", seed: 5, maxIterations: 2 }, { roles, score, onEvent: log.onEvent });
    expect(result.stopReason).toBe("target-reached");
    expect(log.summary()).toEqual([
      "run-start",
      "iteration-start:0",
      "role-progress:0:diffuser:1/2",
      "role-progress:0:diffuser:2/2",
      "image-end:0:diffuser",
      "check-end:0",
      "iteration-end:0",
      "iteration-start:1",
      "role-progress:1:editor:1/2",
      "role-progress:1:editor:2/2",
      "image-end:1:editor",
      "edit-end:1",
      "check-end:1",
      "iteration-end:1",
      "run-end",
    ]);
    expect(log.events.find((event) => event.type === "role-progress")).toEqual({ type: "role-progress", iteration: 0, role: "diffuser", done: 1, total: 2, stage: "3" });
  });

  it("fills placeholders keeping types and fails on a missing value", () => {
    const filled = fillWorkflow({ "1": { class_type: "X", inputs: { a: "{{seed}}", b: "photo of {{prompt}}", c: ["2", 0] } } }, { seed: 5, prompt: "a cat" });
    expect(filled["1"]!.inputs).toEqual({ a: 5, b: "photo of a cat", c: ["2", 0] });
    expect(() => fillWorkflow({ "1": { class_type: "X", inputs: { a: "{{nope}}" } } }, {})).toThrow(/nope/);
    expect(comfyuiOptionsSchema.parse({ baseURL: "http://127.0.0.1:8188" }).steps).toBe(25);
  });
});
