import "server-only";
import { getRunDetailOrThrow } from "../db/runs";
import { readImage } from "../images/store";
import { editStates, type Trajectory } from "../pipeline/export/edit-states";
import { openRlhfRow, trlRow, verlRow, type TrajectoryFormat } from "../pipeline/export/formats";
import { verlParquet } from "../pipeline/export/verl-parquet";
import type { RunDetail } from "../schemas/run";

/**
 * The web app's training-data download (GET /api/export): the same rows as `rig export`, from
 * stored runs. Images stay on this server: labels name them by id (the reward service reads them
 * from the store) and JSONL rows link /api/images/<id>; only verl's Parquet carries the bytes.
 */
async function trajectoryOf(run: RunDetail, withImages: boolean): Promise<Trajectory> {
  const iterations = await Promise.all(
    run.iterations.map(async (iteration) => ({
      index: iteration.index,
      instruction: iteration.instruction,
      critique: iteration.critique,
      metrics: iteration.metrics,
      imageId: iteration.imageId,
      png: withImages ? new Uint8Array((await readImage(iteration.imageId)) ?? new Uint8Array()) : null,
    })),
  );
  return { id: run.id, prompt: run.prompt, target: run.target, iterations };
}

export async function trainingExport(format: TrajectoryFormat, runIds: readonly string[]): Promise<{ body: Uint8Array | string; contentType: string; fileName: string; rows: number }> {
  const runs = await Promise.all(runIds.map(getRunDetailOrThrow));
  const states = (await Promise.all(runs.map((run) => trajectoryOf(run, format === "verl")))).flatMap(editStates);
  const stem = runIds.length === 1 ? `rl-rig-${runIds[0]}` : `rl-rig-${runIds.length}-runs`;
  if (format === "verl") {
    return { body: verlParquet(states.map((state, index) => verlRow(state, index, "train"))), contentType: "application/vnd.apache.parquet", fileName: `${stem}-verl.parquet`, rows: states.length };
  }
  const row = format === "trl" ? trlRow : openRlhfRow;
  const lines = states.map((state) => JSON.stringify(row(state, `/api/images/${state.imageId}`)));
  return { body: lines.join("\n") + (lines.length ? "\n" : ""), contentType: "application/x-ndjson; charset=utf-8", fileName: `${stem}-${format}.jsonl`, rows: states.length };
}
