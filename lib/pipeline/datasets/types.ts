import { classifyPredicate } from "../metrics/predicates";
import type { GeometricClass } from "../metrics/spatial-geometry";
import type { SceneGraph } from "../scene-graph/schema";

/**
 * What every data-set importer produces: one evaluation item per usable record, each a target
 * scene graph plus the prompt handed to the Diffuser, traceable to its line in the source file.
 */

export const datasetFormats = ["laion-sg", "geneval", "t2i-compbench", "dsg", "text"] as const;
export type DatasetFormat = (typeof datasetFormats)[number];

export interface DatasetItemCategory {
  /** The geometric classes of the target's relations (classifyPredicate), sorted, without repeats. */
  relationClasses: GeometricClass[];
  objectCount: number;
  /** GenEval's tag ("position", "counting", ...), when the source has one. */
  tag?: string;
}

export interface DatasetItem {
  /** Stable within a file: the source's own id when it has one, else `<format>-<line>`. */
  id: string;
  target: SceneGraph;
  /** The text given to the Diffuser (and the Judge). */
  prompt: string;
  source: {
    format: DatasetFormat;
    /** 1-based line of the record (for a JSON array: the line where the record starts). */
    line: number;
    /** The source's own caption when it is not the prompt (LAION-SG caption_ori, DSG text). */
    text?: string;
  };
  category: DatasetItemCategory;
}

export interface SkippedLine {
  line: number;
  reason: string;
}

export interface ImportResult {
  items: DatasetItem[];
  /** Lenient mode only: bad lines, in file order. Strict mode throws at the first instead. */
  skipped: SkippedLine[];
  /** Format-specific counts of things read but deliberately not used (e.g. DSG non-spatial relation tuples). */
  ignored: Record<string, number>;
}

export type ImportMode = "strict" | "lenient";

export interface ImportOptions {
  mode?: ImportMode;
  /** Named in error messages; default "input". */
  file?: string;
}

/** A bad line in strict mode (or an unreadable file in either mode): "<file>:<line>: <what is wrong>". */
export class DatasetImportError extends Error {
  override name = "DatasetImportError";
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(line === undefined ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
  }
}

/** Thrown by a record converter for a bad record; the importer adds file and line. */
export class RecordError extends Error {
  override name = "RecordError";
}

export function categoryOf(target: SceneGraph, tag?: string): DatasetItemCategory {
  const classes = new Set(target.relations.map((relation) => classifyPredicate(relation.predicate).geometricClass));
  return { relationClasses: [...classes].sort(), objectCount: target.objects.length, ...(tag ? { tag } : {}) };
}
