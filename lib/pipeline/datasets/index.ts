import { readFile } from "node:fs/promises";
import { importDsg } from "./dsg";
import { importGeneval } from "./geneval";
import { importLaionSg } from "./laion-sg";
import { importT2iCompBench, importTextPrompts } from "./prompts";
import { DatasetImportError, type DatasetFormat, type ImportOptions, type ImportResult } from "./types";

export * from "./types";
export { importDsg, dsgTuplesToSceneGraph } from "./dsg";
export { importGeneval, genevalTarget } from "./geneval";
export { importLaionSg } from "./laion-sg";
export { importT2iCompBench, importTextPrompts } from "./prompts";

const importers: Record<DatasetFormat, (text: string, options?: ImportOptions) => ImportResult> = {
  "laion-sg": importLaionSg,
  geneval: importGeneval,
  "t2i-compbench": importT2iCompBench,
  dsg: importDsg,
  text: importTextPrompts,
};

/** Import a data set from its text in the given format (see each importer for the layout). */
export function importDataset(text: string, format: DatasetFormat, options: ImportOptions = {}): ImportResult {
  return importers[format](text, options);
}

/** Read and import a file; an unreadable file is a DatasetImportError naming it. */
export async function importDatasetFile(file: string, format: DatasetFormat, options: Omit<ImportOptions, "file"> = {}): Promise<ImportResult> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new DatasetImportError(file, undefined, `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return importDataset(text, format, { ...options, file });
}
