import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fileModelHandler } from "./file-io-handler";
import { defaultModelDir } from "./model";

let scratch: string | undefined;
afterEach(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

describe("fileModelHandler", () => {
  it("reads the shipped COCO-SSD model.json and concatenates its five shards in order", async () => {
    const directory = defaultModelDir();
    const artifacts = await fileModelHandler(path.join(directory, "model.json")).load();
    const sizes = await Promise.all([1, 2, 3, 4, 5].map(async (shard) => (await stat(path.join(directory, `group1-shard${shard}of5`))).size));
    expect((artifacts.weightData as ArrayBuffer).byteLength).toBe(sizes.reduce((sum, size) => sum + size, 0));
    expect(artifacts.weightSpecs!.length).toBeGreaterThan(50);
    expect(artifacts.modelTopology).toHaveProperty("node");
  });

  it("names the file that is missing or wrong", async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "rig-model-"));
    const modelJson = path.join(scratch, "model.json");
    await expect(fileModelHandler(modelJson).load()).rejects.toThrow(`cannot read the model file ${modelJson}`);
    await writeFile(modelJson, JSON.stringify({ modelTopology: {} }));
    await expect(fileModelHandler(modelJson).load()).rejects.toThrow(/not a TensorFlow.js graph model: weightsManifest/);
    await writeFile(modelJson, JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ["shard1"], weights: [] }] }));
    await expect(fileModelHandler(modelJson).load()).rejects.toThrow(`cannot read the weight shard ${path.join(scratch, "shard1")}`);
  });
});
