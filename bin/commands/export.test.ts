import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rewardLabelSchema } from "../../lib/schemas/reward";
import { sceneGraphSchema } from "../../lib/pipeline/scene-graph/schema";
import { expectOneLineError, rig } from "../test-support";

/** `rig export` on trajectories `rig run` wrote, read back as each engine reads them. */
const PROMPT = "a cat left of a dog; the dog left of a cup; a bird above the cat";
let folder = "";

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), "rig-export-"));
  for (const seed of ["1", "2"]) {
    const result = await rig("run", PROMPT, "--seed", seed, "--out", path.join(folder, "runs", `seed-${seed}`));
    expect(result.code, result.stderr).toBe(0);
  }
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

interface VerlRowRead {
  data_source: string;
  prompt: { role: string; content: string }[];
  images: { bytes: Uint8Array; path: string }[];
  ability: string;
  reward_model: { style: string; ground_truth: string };
  extra_info: { split: string; index: bigint; sg_iou_after: number };
}
interface JsonlRow {
  images: string[];
  label: string;
  response?: string;
  prompt?: { content: { type: string }[] }[];
}

describe("rig export", () => {
  it("verl: Parquet with nested prompt, images, reward_model and extra_info, one row per edit state", async () => {
    const out = path.join(folder, "verl");
    const result = await rig("export", path.join(folder, "runs"), "--format", "verl", "--out", out);
    expect(result.code, result.stderr).toBe(0);
    const count = Number(/^(\d+) edit states from 2 trajectories/.exec(result.stdout)?.[1]);
    expect(count).toBeGreaterThan(0);

    const bytes = readFileSync(path.join(out, "data.parquet"));
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const schema = Object.fromEntries(parquetMetadata(file).schema.map((element) => [element.name, element]));
    expect(schema.prompt).toMatchObject({ converted_type: "LIST" });
    expect(schema.images).toMatchObject({ converted_type: "LIST" });
    expect(schema.bytes).toMatchObject({ type: "BYTE_ARRAY" });
    expect(schema.reward_model).toMatchObject({ num_children: 2 });
    expect(schema.ground_truth).toMatchObject({ type: "BYTE_ARRAY", converted_type: "UTF8" });

    // utf8: false keeps unannotated BYTE_ARRAY (the image bytes) as bytes, as pyarrow reads them.
    const rows = (await parquetReadObjects({ file, utf8: false })) as unknown as VerlRowRead[];
    expect(rows).toHaveLength(count);
    for (const [index, row] of rows.entries()) {
      expect(Object.keys(row).sort()).toEqual(["ability", "data_source", "extra_info", "images", "prompt", "reward_model"]);
      expect(row.data_source).toBe("rl-rig/edit");
      expect(row.prompt).toHaveLength(1);
      expect(row.prompt[0]!.role).toBe("user");
      expect(row.prompt[0]!.content).toMatch(/^<image>You are the Actor/);
      expect([...row.images[0]!.bytes.slice(0, 4)]).toEqual(PNG_MAGIC);
      expect(row.reward_model.style).toBe("rule");
      const label = rewardLabelSchema.parse(JSON.parse(row.reward_model.ground_truth));
      expect(sceneGraphSchema.parse(label.target).relations).toHaveLength(3);
      expect(Buffer.from(label.image!, "base64").equals(Buffer.from(row.images[0]!.bytes)), "the label's image is the row's image").toBe(true);
      expect(row.extra_info).toMatchObject({ split: "train", index: BigInt(index) });
      expect(row.extra_info.sg_iou_after).toBeGreaterThanOrEqual(0);
    }
  });

  it("trl and openrlhf: JSONL rows beside their images, with the loop's response and the reward label", async () => {
    for (const format of ["trl", "openrlhf"]) {
      const out = path.join(folder, format);
      const result = await rig("export", path.join(folder, "runs"), "--format", format, "--out", out);
      expect(result.code, result.stderr).toBe(0);
      const rows = readFileSync(path.join(out, "data.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as JsonlRow);
      expect(rows.length).toBeGreaterThan(0);
      expect(readdirSync(path.join(out, "images"))).toHaveLength(rows.length);
      for (const row of rows) {
        expect([...readFileSync(path.join(out, row.images[0]!)).subarray(0, 4)]).toEqual(PNG_MAGIC);
        rewardLabelSchema.parse(JSON.parse(row.label));
        if (format === "trl") expect(row.prompt![0]!.content.map((part) => part.type)).toEqual(["image", "text"]);
        else expect((JSON.parse(row.response!) as { instruction: string }).instruction.length).toBeGreaterThan(3);
      }
    }
  });

  it("dpo: preference pairs from the rollout groups rig train actor wrote", async () => {
    const trained = await rig("train", "actor", "--synthetic", "3", "--steps", "1", "--states-per-step", "3", "--out", path.join(folder, "train"));
    expect(trained.code, trained.stderr).toBe(0);
    const out = path.join(folder, "dpo");
    const result = await rig("export", path.join(folder, "train"), "--format", "dpo", "--out", out);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\d+ preference pairs from \d+ rollout groups \(reward gap >= 0.05\)/);
    const rows = readFileSync(path.join(out, "data.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as { chosen: { content: { text: string }[] }[]; rejected: { content: { text: string }[] }[]; images: string[]; reward_chosen: number; reward_rejected: number });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.reward_chosen - row.reward_rejected).toBeGreaterThanOrEqual(0.05);
      expect(row.chosen[0]!.content[0]!.text).not.toBe(row.rejected[0]!.content[0]!.text);
      expect([...readFileSync(path.join(out, row.images[0]!)).subarray(0, 4)]).toEqual(PNG_MAGIC);
    }
  });

  it("says what is wrong in one line", async () => {
    expectOneLineError(await rig("export", path.join(folder, "nothing-here"), "--format", "verl", "--out", path.join(folder, "x")), /nothing-here: no such file or folder/);
    expectOneLineError(await rig("export", path.join(folder, "runs"), "--format", "parquet", "--out", path.join(folder, "x")), /--format must be one of openrlhf, trl, verl, dpo/);
    expectOneLineError(await rig("export", path.join(folder, "runs"), "--format", "dpo", "--out", path.join(folder, "x")), /no groups\.jsonl under .*rig train actor --out DIR/);
  });
});
