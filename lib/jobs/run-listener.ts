import type { DatasetFormat } from "../pipeline/datasets/types";
import type { RunDetail } from "../schemas/run";
import type { FinishedItemRun } from "./evaluation-results";

/** Grades a finished evaluation run on its stored images (the worker's Scorer and Judge; see RunWorker). */
export type GradeRun = (run: RunDetail, format: DatasetFormat) => Promise<Pick<FinishedItemRun, "judges" | "grades">>;

/**
 * What the run worker announces: its start (after marking interrupted runs) and every run's end
 * (after its final status is stored). Evaluations listen (evaluations.ts evaluationListener), so
 * the worker never imports them. A listener's failures are logged, never the run's.
 */
export interface RunListener {
  onStart(gradeRun: GradeRun): Promise<void>;
  onRunFinished(runId: string, evaluationId: string | null, gradeRun: GradeRun): Promise<void>;
}
