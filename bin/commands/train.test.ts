import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectOneLineError, rig } from "../test-support";

/** `rig train actor` and `--actor` as a user runs them: separate processes. */
describe("rig train actor", () => {
  it("writes a checkpoint and per-step metrics that rig eval can run with", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "rig-train-"));
    const trained = await rig("train", "actor", "--synthetic", "3", "--steps", "2", "--states-per-step", "2", "--group-size", "3", "--out", out, "--json");
    expect(trained.code).toBe(0);
    const summary = JSON.parse(trained.stdout);
    expect(summary).toMatchObject({ graphs: 3, steps: 2, checkpoint: path.join(out, "checkpoint.json") });
    const checkpoint = JSON.parse(await readFile(path.join(out, "checkpoint.json"), "utf8"));
    expect(checkpoint).toMatchObject({ version: 1, kind: "actor", seed: 1, graphs: 3, config: { steps: 2, groupSize: 3 } });
    expect(checkpoint.dataHash).toMatch(/^[0-9a-f]{64}$/);
    const metrics = (await readFile(path.join(out, "metrics.jsonl"), "utf8")).trim().split("\n").map((line) => JSON.parse(line));
    expect(metrics.map((row: { step: number }) => row.step)).toEqual([0, 1]);
    expect(Object.keys(metrics[0])).toEqual(expect.arrayContaining(["meanReward", "rewardStd", "sgIoUGain", "kl", "entropy", "clipFraction"]));

    const evaluated = await rig("eval", "--dataset", "lib/pipeline/datasets/__fixtures__/geneval.jsonl", "--format", "geneval", "--lenient", "--limit", "2", "--max-iterations", "2", "--concurrency", "1", "--actor", path.join(out, "checkpoint.json"), "--json");
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout).settings.actorPolicy).toBe(path.join(out, "checkpoint.json"));
  });

  it("says what is wrong with a bad policy or role", async () => {
    expectOneLineError(await rig("run", "a cup left of a laptop", "--actor", "/nonexistent/checkpoint.json"), /--actor \/nonexistent\/checkpoint\.json: not "heuristic", "uniform" or a readable checkpoint\.json \(ENOENT\)/);
    expectOneLineError(await rig("train", "critic", "--out", "x"), /unknown role "critic"; one of: actor, editor/);
    expectOneLineError(await rig("run", "a cup left of a laptop", "--editor", "/nonexistent/checkpoint.json"), /--editor \/nonexistent\/checkpoint\.json: not "heuristic", "uniform" or a readable checkpoint\.json \(ENOENT\)/);
  });
});

describe("rig train editor", () => {
  it("writes an Editor checkpoint that rig run and rig eval take as --editor, and rig run refuses as --actor", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "rig-train-editor-"));
    const trained = await rig("train", "editor", "--synthetic", "3", "--steps", "1", "--states-per-step", "2", "--group-size", "3", "--init", "uniform", "--out", out, "--json");
    expect(trained.code).toBe(0);
    const file = path.join(out, "checkpoint.json");
    const checkpoint = JSON.parse(await readFile(file, "utf8"));
    expect(checkpoint).toMatchObject({ version: 1, kind: "editor", graphs: 3, config: { steps: 1, groupSize: 3, init: "uniform" } });
    expect(checkpoint.parameters.names).toEqual(["subject-shift", "anchor-shift", "anchor-moved", "relations-changed", "occlusion"]);

    const evaluated = await rig("eval", "--dataset", "lib/pipeline/datasets/__fixtures__/geneval.jsonl", "--format", "geneval", "--lenient", "--limit", "2", "--max-iterations", "2", "--concurrency", "1", "--editor", file, "--json");
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout).settings).toMatchObject({ actorPolicy: "heuristic", editorPolicy: file });
    const runOut = path.join(out, "run");
    const ran = await rig("run", "a cup left of a laptop", "--max-iterations", "2", "--editor", file, "--out", runOut, "--json");
    expect(ran.code).toBe(0);
    expect(JSON.parse(await readFile(path.join(runOut, "trajectory.json"), "utf8")).settings.editorPolicy).toBe(file);
    expectOneLineError(await rig("run", "a cup left of a laptop", "--actor", file), /not an Actor checkpoint: kind: it is an Editor checkpoint/);
  });
});
