import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/lib/db/test-support";
import { createSimRoles } from "@/lib/pipeline/backends/sim";
import { encodePng } from "@/lib/pipeline/image/png";
import { POST as reward } from "./reward/route";

/**
 * The Python side of the reward service: integrations/rl_rig_reward.py byte-compiles,
 * and its reward_func, run by python3 (without torch it returns plain lists), gets one reward per
 * sample from the real route over HTTP, with the bearer token and a clear error on a bad label.
 */
useTestDatabase();

const run = promisify(execFile);
const FILE = path.resolve("integrations/rl_rig_reward.py");
const TOKEN = "python-reward-token-0123456789";
let server: Server;
let url = "";

beforeAll(async () => {
  process.env.RIG_REWARD_TOKEN = TOKEN;
  server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const headers = Object.fromEntries(Object.entries(incoming.headers).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
      void reward(new Request(`http://127.0.0.1${incoming.url}`, { method: "POST", headers, body: Buffer.concat(chunks) })).then(async (response) => {
        outgoing.writeHead(response.status, { "content-type": "application/json" });
        outgoing.end(await response.text());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/reward?profile=sim`;
});
afterAll(async () => {
  delete process.env.RIG_REWARD_TOKEN;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function python(script: string, env: Record<string, string>) {
  return run("python3", ["-B", "-c", script], { env: { ...process.env, PYTHONPATH: path.dirname(FILE), ...env }, timeout: 30_000 });
}

describe("integrations/rl_rig_reward.py", () => {
  it("byte-compiles", async () => {
    await run("python3", ["-c", "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)", FILE, path.join(tmpdir(), "rl_rig_reward.pyc")]);
  });

  it("reward_func gets one reward per sample from the service, and a bad label fails with the service's reason", async () => {
    const drawn = await createSimRoles().diffuser.generate("a cat left of a dog", { seed: 1 });
    const image = (await encodePng(drawn.image)).toString("base64");
    const folder = mkdtempSync(path.join(tmpdir(), "rig-reward-"));
    const labels = path.join(folder, "labels.json");
    writeFileSync(labels, JSON.stringify([JSON.stringify({ target: "a cat left of a dog", image }), JSON.stringify({ target: "a zebra", image })]));
    const script = `import json, rl_rig_reward\nanswer = rl_rig_reward.reward_func(["q1", "q2"], ["p1", "p2"], json.load(open(${JSON.stringify(labels)})))\nprint(json.dumps(answer))`;
    const { stdout } = await python(script, { RIG_REWARD_URL: url, RIG_REWARD_TOKEN: TOKEN });
    const answer = JSON.parse(stdout) as { rewards: number[]; scores: number[]; extra_logs: Record<string, number[]> };
    expect(answer.rewards).toHaveLength(2);
    expect(answer.rewards[1]).toBe(0);
    expect(answer.extra_logs.entity_iou).toHaveLength(2);

    const bad = `import rl_rig_reward\nrl_rig_reward.reward_func(["q"], ["p"], ["not json"])`;
    await expect(python(bad, { RIG_REWARD_URL: url, RIG_REWARD_TOKEN: TOKEN })).rejects.toMatchObject({ stderr: expect.stringContaining("answered 400") });
    await expect(python(bad, { RIG_REWARD_URL: url, RIG_REWARD_TOKEN: "wrong-token-0123456789" })).rejects.toMatchObject({ stderr: expect.stringContaining("answered 401") });
    rmSync(folder, { recursive: true, force: true });
  });

  it("verl's compute_score and TRL's trl_reward score an edit instruction (mode=edit)", async () => {
    // Seed 3 draws both animals (seed 1 leaves the dog out, and no instruction can place against it).
    const drawn = await createSimRoles().diffuser.generate("a cat left of a dog", { seed: 3 });
    const image = (await encodePng(drawn.image)).toString("base64");
    // Whichever way the image came out, the mirror prompt is the target it gets wrong.
    const scored = await reward(new Request(url, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ query: ["q"], labels: [{ target: "a cat left of a dog", image }] }) }));
    const wrong = ((await scored.json()) as { rewards: number[] }).rewards[0] === 0 ? "left" : "right";
    const folder = mkdtempSync(path.join(tmpdir(), "rig-reward-"));
    const groundTruth = path.join(folder, "ground_truth.json");
    writeFileSync(groundTruth, JSON.stringify(JSON.stringify({ target: `a cat ${wrong} of a dog`, image })));
    const fix = `move the cat to the ${wrong} of the dog`;
    const script = [
      "import json, rl_rig_reward",
      `truth = json.load(open(${JSON.stringify(groundTruth)}))`,
      `verl = rl_rig_reward.compute_score("rl-rig/edit", json.dumps({"instruction": ${JSON.stringify(fix)}}), truth)`,
      `trl = rl_rig_reward.trl_reward([[{"role": "assistant", "content": ${JSON.stringify(fix)}}], "paint the sky purple"], [truth, truth])`,
      "print(json.dumps({'verl': verl, 'trl': trl}))",
    ].join("\n");
    const { stdout } = await python(script, { RIG_REWARD_URL: `${url}&mode=edit`, RIG_REWARD_TOKEN: TOKEN });
    const answer = JSON.parse(stdout) as { verl: number; trl: number[] };
    expect(answer.verl, "the fix gains").toBeGreaterThan(0.5);
    expect(answer.trl[0]).toBeCloseTo(answer.verl, 6);
    expect(answer.trl[1], "an instruction the Editor cannot follow").toBeCloseTo(-0.1, 6);
    rmSync(folder, { recursive: true, force: true });
  });
});
