import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectOneLineError, rig, rigWithEnv } from "./test-support";
import { sendJson, solidPngBase64, startServer } from "../lib/pipeline/backends/openai-images/__fixtures__/local-server";
import { datasetPath } from "../scripts/datasets";

/** The CLI as a user runs it: a separate process, its exit code, stdout and stderr. */
const scratch = () => mkdtemp(path.join(tmpdir(), "rig-cli-"));

describe("rig run", () => {
  it("--json prints one document describing every iteration, and writes the images and trajectory", async () => {
    const out = await scratch();
    const result = await rig("run", "a photo of a dog right of a teddy bear", "--json", "--out", out, "--seed", "5", "--max-iterations", "4");
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.target.objects.map((object: { label: string }) => object.label)).toEqual(["dog", "teddy bear"]);
    expect(document.iterations.length).toBeGreaterThanOrEqual(1);
    expect(document.iterations.length).toBeLessThanOrEqual(4);
    for (const iteration of document.iterations) {
      expect(Object.keys(iteration.metrics).sort()).toEqual(["entityIoU", "relationIoU", "sgIoU"]);
      expect(existsSync(iteration.image)).toBe(true);
    }
    expect(document.iterations[0].instruction).toBeNull();
    const bestScore = Math.max(...document.iterations.map((iteration: { metrics: { sgIoU: number } }) => iteration.metrics.sgIoU));
    expect(document.best.metrics.sgIoU).toBe(bestScore);
    const trajectory = JSON.parse(await readFile(path.join(out, "trajectory.json"), "utf8"));
    expect(trajectory.iterations).toHaveLength(document.iterations.length);
    expect(trajectory.iterations[0].critique.summary).toMatch(/relations hold/);
    expect(trajectory.settings).toMatchObject({ profile: "sim", backends: { diffuser: "sim", checker: "sim", actor: "sim", editor: "sim", judge: "sim" }, promptVersions: {} });
  });

  it("--profile: an unknown name exits non-zero with one line listing the profiles", async () => {
    const config = path.join(await scratch(), "rig.config.json");
    await writeFile(config, JSON.stringify({ profiles: { local: { roles: { diffuser: { backend: "a1111", baseURL: "http://127.0.0.1:9" } } } } }));
    const result = await rigWithEnv({ RIG_CONFIG: config }, "run", "a dog left of a cat", "--profile", "nope");
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toEqual(['rig: unknown profile "nope"; profiles: sim, local']);
  });

  it("--profile: hands the profile's capabilities to the loop (an images API that ignores seeds warns on the step)", async () => {
    const png = await solidPngBase64(512, 512, [200, 200, 200, 255]);
    const images = await startServer((_req, res) => sendJson(res, 200, { created: 1, data: [{ b64_json: png }] }));
    try {
      const out = await scratch();
      const config = path.join(out, "rig.config.json");
      const diffuser = { backend: "openai-images", model: "sd-xl", baseURL: `${images.url}/v1`, options: { width: 512, height: 512 } };
      await writeFile(config, JSON.stringify({ profiles: { images: { roles: { diffuser } } } }));
      const result = await rigWithEnv({ RIG_CONFIG: config }, "run", "a dog left of a cat", "--profile", "images", "--max-iterations", "1", "--out", out);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const trajectory = JSON.parse(await readFile(path.join(out, "trajectory.json"), "utf8"));
      const seedWarnings = (trajectory.iterations[0].warnings as string[]).filter((warning) => /honour seeds/.test(warning));
      expect(seedWarnings).toEqual(["diffuser: openai-images:sd-xl does not honour seeds; replaying this iteration may give another image"]);
    } finally {
      await images.close();
    }
  });

  it("gives the same run for the same seed", async () => {
    const first = await rig("run", "a red cup left of a laptop", "--json", "--out", await scratch(), "--seed", "9");
    const second = await rig("run", "a red cup left of a laptop", "--json", "--out", await scratch(), "--seed", "9");
    const strip = (text: string) => JSON.parse(text).iterations.map((iteration: { metrics: unknown; instruction: unknown }) => [iteration.metrics, iteration.instruction]);
    expect(strip(first.stdout)).toEqual(strip(second.stdout));
    expect(JSON.parse(first.stdout).simulatedRoles).toEqual(["diffuser", "checker", "actor", "editor", "judge"]);
  });

  it("reads a LAION-SG record with --scene-graph and prints a per-iteration table", async () => {
    const out = await scratch();
    const result = await rig("run", "--scene-graph", datasetPath("laion-sg", "example_record.json"), "--out", out, "--max-iterations", "3");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^iter\s+SG-IoU\s+Entity\s+Relation/m);
    expect(result.stdout).toMatch(/Best: iteration \d+ \(SG-IoU \d\.\d{3}\)/);
    expect(result.stdout).toMatch(/^SIMULATED: every role ran on rl-rig's embedded CPU world/m);
    expect(existsSync(path.join(out, "iteration-00.png"))).toBe(true);
  });

  describe("bad input exits non-zero with one line that says what is wrong", () => {
    const cases: [string, () => Promise<string[]>, RegExp][] = [
      ["an empty prompt", async () => ["run", "  "], /the prompt is empty/],
      ["text it cannot parse", async () => ["run", "the vibes of a sunset"], /the prompt: .*"the vibes of a sunset"/],
      ["invalid JSON", async () => ["run", "--scene-graph", await file("{ not json")], /JSON/i],
      ["a dangling item id", async () => ["run", "--scene-graph", await file(JSON.stringify({ items: [{ item_id: 0, label: "dog", attributes: [] }], relations: [{ triple_id: 0, item1: 0, relation: "near", item2: 7 }] }))], /7/],
      ["a missing file", async () => ["run", "--scene-graph", "/nonexistent/graph.json"], /cannot read \/nonexistent\/graph.json: ENOENT/],
      ["an unknown option", async () => ["run", "a dog", "--colour", "red"], /unknown option '--colour'/],
      ["a non-numeric seed", async () => ["run", "a dog", "--seed", "abc"], /--seed/],
      ["a prompt and a scene graph", async () => ["run", "a dog", "--scene-graph", "x.json"], /either a prompt or --scene-graph/],
    ];
    for (const [name, args, message] of cases) {
      it(name, async () => {
        expectOneLineError(await rig(...(await args())), message);
      });
    }
  });
});

async function file(content: string): Promise<string> {
  const target = path.join(await scratch(), "graph.json");
  await writeFile(target, content);
  return target;
}
