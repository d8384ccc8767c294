import { parquetWriteBuffer } from "hyparquet-writer";
import type { VerlRow } from "./formats";

/**
 * verl's data set file: Parquet with real nested columns (the standard three-level LIST and
 * groups for structs), as Hugging Face `datasets` writes them, so pyarrow and verl's RLHFDataset
 * read `prompt` as a list of messages, `images` as a list of {bytes, path} and `reward_model` /
 * `extra_info` as structs, never as JSON strings.
 */
type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]["schema"]>[number];

const leaf = (name: string, type: "UTF8" | "BINARY" | "INT64" | "DOUBLE", repetition: "OPTIONAL" | "REQUIRED" = "OPTIONAL"): SchemaElement => {
  if (type === "UTF8") return { name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: repetition };
  if (type === "BINARY") return { name, type: "BYTE_ARRAY", repetition_type: repetition };
  return { name, type, repetition_type: repetition };
};
const struct = (name: string, children: SchemaElement[]): SchemaElement[] => [{ name, repetition_type: "OPTIONAL", num_children: children.length }, ...children];
const list = (name: string, element: SchemaElement[]): SchemaElement[] => [
  { name, repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  ...element,
];

export const verlSchema: SchemaElement[] = [
  { name: "schema", num_children: 6 },
  leaf("data_source", "UTF8"),
  ...list("prompt", struct("element", [leaf("role", "UTF8"), leaf("content", "UTF8")])),
  ...list("images", struct("element", [leaf("bytes", "BINARY"), leaf("path", "UTF8")])),
  leaf("ability", "UTF8"),
  ...struct("reward_model", [leaf("style", "UTF8"), leaf("ground_truth", "UTF8")]),
  ...struct("extra_info", [leaf("split", "UTF8"), leaf("index", "INT64"), leaf("run_id", "UTF8"), leaf("iteration", "INT64"), leaf("sg_iou_before", "DOUBLE"), leaf("sg_iou_after", "DOUBLE")]),
];

export function verlParquet(rows: readonly VerlRow[]): Uint8Array {
  const column = <K extends keyof VerlRow>(name: K) => ({ name, data: rows.map((row) => row[name]) as never[] });
  const extraInfo = rows.map((row) => ({ ...row.extra_info, index: BigInt(row.extra_info.index), iteration: BigInt(row.extra_info.iteration) }));
  const buffer = parquetWriteBuffer({
    schema: verlSchema,
    columnData: [column("data_source"), column("prompt"), column("images"), column("ability"), column("reward_model"), { name: "extra_info", data: extraInfo as never[] }],
    kvMetadata: [{ key: "rl-rig", value: "verl RL data set: Actor edit states; reward via POST /api/reward?mode=edit" }],
    createdBy: "rl-rig",
  });
  return new Uint8Array(buffer);
}
