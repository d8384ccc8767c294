/**
 * A stand-in AUTOMATIC1111 server for the browser tests, speaking A1111's JSON API: txt2img and
 * img2img answer with a real photograph (opencv-doc's messi5.jpg, a footballer with a ball at his
 * feet; installed by scripts/test-photos.sh) after sampling STEPS steps of STEP_MS each, and
 * /sdapi/v1/progress reports those steps while a job runs. Started by playwright.config.ts.
 *
 *   E2E_A1111_PORT=7861 npx tsx e2e/servers/fake-a1111.ts
 */
import { readFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import sharp from "sharp";

const PHOTO = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg";
const STEPS = 8;
// Slow enough (two calls, about 10 s) for a viewer opened under the load of the other e2e tests to see the steps.
const STEP_MS = 600;

const port = Number(process.env.E2E_A1111_PORT);
if (!Number.isInteger(port) || port <= 0) throw new Error("fake-a1111: set E2E_A1111_PORT");
const photo = (await sharp(readFileSync(PHOTO)).png().toBuffer()).toString("base64");

let job: { step: number } | null = null;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function sample(): Promise<void> {
  job = { step: 0 };
  for (let step = 1; step <= STEPS; step += 1) {
    await new Promise((resolve) => setTimeout(resolve, STEP_MS));
    job.step = step;
  }
  job = null;
}

createServer((req, res) => {
  const route = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
  if (req.method === "GET" && route === "/sdapi/v1/sd-models") {
    return sendJson(res, 200, [{ title: "e2e-photo [0000000000]", model_name: "e2e-photo", filename: "/models/e2e-photo.safetensors" }]);
  }
  if (req.method === "GET" && route === "/sdapi/v1/progress") {
    return sendJson(res, 200, {
      progress: job ? job.step / STEPS : 0,
      eta_relative: 0,
      state: { job_count: job ? 1 : 0, sampling_step: job?.step ?? 0, sampling_steps: job ? STEPS : 0 },
      current_image: null,
      textinfo: null,
    });
  }
  if (req.method === "POST" && (route === "/sdapi/v1/txt2img" || route === "/sdapi/v1/img2img")) {
    req.resume();
    req.on("end", () => {
      void sample().then(() => sendJson(res, 200, { images: [photo], parameters: {}, info: "{}" }));
    });
    return;
  }
  sendJson(res, 404, { detail: "Not Found" });
}).listen(port, "127.0.0.1", () => console.log(`fake-a1111 on ${port}`));
