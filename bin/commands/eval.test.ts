import path from "node:path";
import { describe, expect, it } from "vitest";
import { datasetPath } from "../../scripts/datasets";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { expectOneLineError, rig, rigWithEnv } from "../test-support";

/** `rig eval` as a user runs it: a separate process, its exit code, stdout and stderr. */
const fixture = (name: string) => path.join("lib/pipeline/datasets/__fixtures__", name);

describe("rig eval", () => {
  it("--json on the first items of GenEval's metadata prints the documented document", async () => {
    const result = await rig("eval", "--dataset", datasetPath("geneval", "evaluation_metadata.jsonl"), "--format", "geneval", "--limit", "4", "--json", "--max-iterations", "3");
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(Object.keys(document).slice(0, 5)).toEqual(["count", "oneShot", "loop", "meanIterations", "perIteration"]);
    expect(document.count).toBe(4);
    for (const side of [document.oneShot, document.loop]) {
      expect(Object.keys(side)).toEqual(["sgIoU", "entityIoU", "relationIoU", "judge"]);
      expect(side.judge).toBeGreaterThanOrEqual(1);
    }
    expect(document.loop.sgIoU).toBeGreaterThanOrEqual(document.oneShot.sgIoU);
    // Graded by the world's oracle; the per-iteration curve is the loop Checker's reading, reported beside it.
    expect(document.scoredBy).toEqual({ oracle: 4 });
    expect(document.checkerReported.count).toBe(4);
    expect(document.perIteration[0]).toEqual({ index: 0, sgIoU: document.checkerReported.oneShot.sgIoU });
    expect(document.perIteration.at(-1).sgIoU).toBeCloseTo(document.checkerReported.loop.sgIoU);
    expect(document.checkerGap.mean).toBeCloseTo(document.checkerReported.loop.sgIoU - document.loop.sgIoU);
    expect(document.testIou.count).toBe(4);
    expect(document.perIteration.length).toBeLessThanOrEqual(3);
    expect(document.byTag.map((row: { category: string }) => row.category)).toEqual(["single_object"]);
  });

  it("prints a summary table, and in --lenient mode lists the skipped lines on stderr", async () => {
    const result = await rig("eval", "--dataset", fixture("t2i-compbench_val.txt"), "--format", "t2i-compbench", "--lenient", "--concurrency", "1");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^4 items; 4 graded by the world's oracle \(what it really drew\)$/m);
    expect(result.stdout).toMatch(/^The loop's Checker read the same images \(n=4\) as: SG-IoU one-shot \d\.\d{3}, loop \d\.\d{3}; its loop SG-IoU is [+-]\d\.\d{3} \[/m);
    expect(result.stdout).toMatch(/^T2I-CompBench spatial \(n=4\)\s+\d\.\d{3}\s+\d\.\d{3}/m);
    expect(result.stdout).toMatch(/^LAION-SG test_iou\.py \(exact strings\): one-shot SG \d\.\d{3}/m);
    expect(result.stdout).toMatch(/^SG-IoU\s+\d\.\d{3}\s+\d\.\d{3}\s+[+-]\d\.\d{3} \[/m);
    expect(result.stdout).toMatch(/^Mean iterations: \d\.\d\d$/m);
    expect(result.stdout).toMatch(/^relation class\s+n\s+one-shot SG\s+loop SG$/m);
    expect(result.stderr).toMatch(/skipped 1 bad line\(s\); first .*t2i-compbench_val\.txt:5: could not find a relation/);
  });

  it("reads DSG and LAION-SG files", async () => {
    for (const [name, format] of [["dsg.csv", "dsg"], ["laion-sg-array.json", "laion-sg"]]) {
      const result = await rig("eval", "--dataset", fixture(name!), "--format", format!, "--lenient", "--json", "--max-iterations", "2", "--concurrency", "1");
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).count + JSON.parse(result.stdout).failed).toBe(2);
    }
  });

  describe("bad input exits non-zero with one line that says what is wrong", () => {
    const cases: [string, string[], RegExp][] = [
      ["a bad line in strict mode", ["--dataset", fixture("geneval.jsonl"), "--format", "geneval"], /geneval\.jsonl:3: include\[1\]\.position refers to include\[4\]/],
      ["an unknown profile", ["--dataset", fixture("geneval.jsonl"), "--format", "geneval", "--profile", "openai"], /unknown profile "openai"; profiles: sim/],
      ["an unknown format", ["--dataset", fixture("geneval.jsonl"), "--format", "coco"], /unknown --format "coco"; formats: laion-sg, geneval, t2i-compbench, dsg, text/],
      ["a missing file", ["--dataset", "/nonexistent/data.jsonl", "--format", "geneval"], /\/nonexistent\/data\.jsonl: cannot read the file: ENOENT/],
      ["no --dataset", ["--format", "geneval"], /required option '--dataset <file>'/],
      ["a zero limit", ["--dataset", fixture("geneval.jsonl"), "--format", "geneval", "--limit", "0"], /--limit must be at least 1/],
    ];
    for (const [name, args, message] of cases) {
      it(name, async () => {
        expectOneLineError(await rig("eval", ...args), message);
      });
    }
  });

  it("--profile: an unknown name in a config exits non-zero with one line listing the profiles", async () => {
    const config = path.join(await mkdtemp(path.join(tmpdir(), "rig-eval-")), "rig.config.json");
    await writeFile(config, JSON.stringify({ profiles: { local: { roles: { diffuser: { backend: "a1111", baseURL: "http://127.0.0.1:9" } } } } }));
    const result = await rigWithEnv({ RIG_CONFIG: config }, "eval", "--dataset", fixture("t2i-compbench_val.txt"), "--format", "t2i-compbench", "--lenient", "--profile", "nope");
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toEqual(['rig: unknown profile "nope"; profiles: sim, local']);
  });
});
