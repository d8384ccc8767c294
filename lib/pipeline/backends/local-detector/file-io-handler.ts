import { readFile } from "node:fs/promises";
import path from "node:path";
import type { io } from "@tensorflow/tfjs-core";
import { z } from "zod";

/**
 * A `file://`-style load handler for TensorFlow.js graph models: reads `model.json` and its weight
 * shards from disk (tfjs only has one in @tensorflow/tfjs-node, which we cannot install). The
 * shards are concatenated in manifest order, which is how tfjs lays out `weightData`.
 */
const weightsManifestSchema = z.array(
  z.object({
    paths: z.array(z.string().min(1)).min(1),
    // WeightsManifestEntry: name, shape, dtype and optional quantization; tfjs validates the rest.
    weights: z.array(z.object({ name: z.string(), shape: z.array(z.number()), dtype: z.string() }).loose()),
  }),
);

const modelJsonSchema = z
  .object({
    modelTopology: z.record(z.string(), z.unknown()),
    weightsManifest: weightsManifestSchema,
    format: z.string().optional(),
    generatedBy: z.string().optional(),
    convertedBy: z.string().nullable().optional(),
    signature: z.record(z.string(), z.unknown()).optional(),
    userDefinedMetadata: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

export class ModelFilesError extends Error {
  override name = "ModelFilesError";
}

async function readOrExplain(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new ModelFilesError(`cannot read the ${what} ${file}: ${(error as Error).message}`, { cause: error });
  }
}

export function fileModelHandler(modelJsonPath: string): io.IOHandler & Required<Pick<io.IOHandler, "load">> {
  return {
    async load(): Promise<io.ModelArtifacts> {
      const text = (await readOrExplain(modelJsonPath, "model file")).toString("utf8");
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (error) {
        throw new ModelFilesError(`${modelJsonPath} is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
      const parsed = modelJsonSchema.safeParse(raw);
      if (!parsed.success) {
        throw new ModelFilesError(`${modelJsonPath} is not a TensorFlow.js graph model: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
      }
      const model = parsed.data;
      const directory = path.dirname(modelJsonPath);
      const shards = await Promise.all(
        model.weightsManifest.flatMap((group) => group.paths).map((shard) => readOrExplain(path.join(directory, shard), "weight shard")),
      );
      const joined = Buffer.concat(shards);
      const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength) as ArrayBuffer;
      return {
        modelTopology: model.modelTopology,
        weightSpecs: model.weightsManifest.flatMap((group) => group.weights) as io.WeightsManifestEntry[],
        weightData,
        ...(model.format !== undefined ? { format: model.format } : {}),
        ...(model.generatedBy !== undefined ? { generatedBy: model.generatedBy } : {}),
        ...(model.convertedBy !== undefined ? { convertedBy: model.convertedBy } : {}),
        ...(model.signature !== undefined ? { signature: model.signature } : {}),
        ...(model.userDefinedMetadata !== undefined ? { userDefinedMetadata: model.userDefinedMetadata as Record<string, object> } : {}),
      };
    },
  };
}
