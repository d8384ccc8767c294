"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { IterationView, RunTree } from "@/lib/schemas/run";
import type { SceneGraph } from "@/lib/pipeline/scene-graph/schema";
import { TripleStatusBadge } from "@/components/status-badge";
import { depthFirst, treeItems } from "@/lib/viewer/branch-tree";
import { formatDelta, withoutSceneContext } from "@/lib/viewer/format";
import { describeMove, diffIterations } from "@/lib/viewer/iteration-diff";
import { runQueries } from "@/lib/viewer/run-queries";
import { imageUrl } from "@/lib/viewer/trajectory-export";
import { targetName } from "./triples-panel";

export interface CompareViewProps {
  target: SceneGraph;
  iterations: IterationView[];
  /** The iteration on the right / revealed by the slider. */
  current: IterationView;
  other: IterationView;
  onOtherChange: (index: number) => void;
  /** The owner's view: the run's tree, so any run's iteration can be the other side. */
  tree?: { data: RunTree; runId: string };
}

type Mode = "side-by-side" | "slider";

interface Side {
  iteration: IterationView;
  /** "iteration 3", or "Fork at #2: … · iteration 3" for another run of the tree. */
  caption: string;
}

/**
 * Two iterations side by side or under a reveal slider, with what changed between them: two of
 * this run's, or, in a run with branches, one of this run's against any iteration of another run
 * of its tree (all runs of a tree share the target).
 */
export function CompareView({ target, iterations, current, other, onOtherChange, tree }: CompareViewProps) {
  const id = useId();
  const [mode, setMode] = useState<Mode>("side-by-side");
  const [reveal, setReveal] = useState(50);
  const [otherRunId, setOtherRunId] = useState<string | null>(null);
  const [otherRunIndex, setOtherRunIndex] = useState<number | null>(null);
  const runs = tree ? depthFirst(treeItems(tree.data)).map((item) => item.node) : [];
  const elsewhere = tree && otherRunId && otherRunId !== tree.runId ? otherRunId : null;
  const otherRun = useQuery({ ...runQueries.detail(elsewhere ?? ""), enabled: elsewhere !== null });
  const runLabel = (runId: string) => {
    const node = runs.find((candidate) => candidate.id === runId);
    if (!node) return "another run";
    return node.forkIndex === null ? "Original run" : `Fork at #${node.forkIndex}: ${withoutSceneContext(node.steerLabel ?? "")}`.slice(0, 60);
  };

  let sides: [Side, Side];
  const here = (iteration: IterationView): Side => ({ iteration, caption: `iteration ${iteration.index}` });
  if (elsewhere && otherRun.data && otherRun.data.iterations.length > 0) {
    const list = otherRun.data.iterations;
    const chosen = list.find((iteration) => iteration.index === (otherRunIndex ?? current.index)) ?? list.at(-1)!;
    sides = [{ iteration: chosen, caption: `${runLabel(elsewhere)} · iteration ${chosen.index}` }, { iteration: current, caption: `this run · iteration ${current.index}` }];
  } else {
    sides = other.index <= current.index ? [here(other), here(current)] : [here(current), here(other)];
  }
  const [before, after] = sides;
  const diff = diffIterations(before.iteration, after.iteration);

  return (
    <div className="flex flex-col gap-3" data-testid="compare-view">
      <div className="flex flex-wrap items-end gap-4 text-sm">
        {runs.length > 1 ? (
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-run`} className="font-medium text-slate-800">
              Compare with the run
            </label>
            <select id={`${id}-run`} data-testid="compare-run" value={elsewhere ?? tree!.runId} onChange={(event) => setOtherRunId(event.target.value)} className="max-w-xs rounded border border-slate-300 bg-white px-2 py-1">
              {runs.map((node) => (
                <option key={node.id} value={node.id}>
                  {node.id === tree!.runId ? "this run" : runLabel(node.id)}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-other`} className="font-medium text-slate-800">
            Compare iteration {current.index} with
          </label>
          {elsewhere ? (
            <select id={`${id}-other`} data-testid="compare-iteration" value={before.iteration.index} onChange={(event) => setOtherRunIndex(Number(event.target.value))} className="rounded border border-slate-300 bg-white px-2 py-1">
              {(otherRun.data?.iterations ?? []).map((iteration) => (
                <option key={iteration.index} value={iteration.index}>
                  iteration {iteration.index} (SG-IoU {iteration.metrics.sgIoU.toFixed(2)})
                </option>
              ))}
            </select>
          ) : (
            <select id={`${id}-other`} data-testid="compare-iteration" value={other.index} onChange={(event) => onOtherChange(Number(event.target.value))} className="rounded border border-slate-300 bg-white px-2 py-1">
              {iterations
                .filter((iteration) => iteration.index !== current.index)
                .map((iteration) => (
                  <option key={iteration.index} value={iteration.index}>
                    iteration {iteration.index} (SG-IoU {iteration.metrics.sgIoU.toFixed(2)})
                  </option>
                ))}
            </select>
          )}
        </div>
        <fieldset className="flex gap-3">
          <legend className="sr-only">Comparison mode</legend>
          {(["side-by-side", "slider"] as const).map((value) => (
            <label key={value} className="inline-flex items-center gap-1">
              <input type="radio" name={`${id}-mode`} value={value} checked={mode === value} onChange={() => setMode(value)} className="accent-blue-700" />
              {value === "side-by-side" ? "Side by side" : "Slider"}
            </label>
          ))}
        </fieldset>
      </div>
      {elsewhere && otherRun.isPending ? <p className="text-sm text-slate-700">Loading the other run…</p> : null}

      {mode === "side-by-side" ? (
        <div className="grid max-w-3xl grid-cols-2 gap-3">
          {[before, after].map(({ iteration, caption }, position) => (
            <figure key={position} className="flex flex-col gap-1" data-testid="compare-side">
              <img src={imageUrl(iteration.imageId)} alt={caption} width={512} height={512} loading="lazy" className="aspect-square w-full rounded border border-slate-300" />
              <figcaption className="text-center text-xs text-slate-700">
                {caption} · SG-IoU {iteration.metrics.sgIoU.toFixed(2)}
              </figcaption>
            </figure>
          ))}
        </div>
      ) : (
        <div className="flex flex-col gap-2">
          <div className="relative aspect-square w-full max-w-md overflow-hidden rounded border border-slate-300" data-testid="compare-slider">
            <img src={imageUrl(after.iteration.imageId)} alt={after.caption} width={512} height={512} className="absolute inset-0 h-full w-full" />
            <img
              src={imageUrl(before.iteration.imageId)}
              alt={before.caption}
              width={512}
              height={512}
              className="absolute inset-0 h-full w-full"
              style={{ clipPath: `inset(0 ${100 - reveal}% 0 0)` }}
            />
            <div aria-hidden className="absolute inset-y-0 w-0.5 bg-white shadow" style={{ left: `${reveal}%` }} />
          </div>
          <label className="flex max-w-md items-center gap-2 text-sm">
            <span className="shrink-0">
              {before.caption} ◂ ▸ {after.caption}
            </span>
            <input type="range" min={0} max={100} value={reveal} onChange={(event) => setReveal(Number(event.target.value))} className="w-full accent-blue-700" aria-label={`Reveal ${before.caption} over ${after.caption}, percent`} />
          </label>
        </div>
      )}

      <div className="text-sm" data-testid="compare-diff">
        <h4 className="font-medium text-slate-800">
          From {before.caption} to {after.caption}
        </h4>
        <p className="font-mono text-xs">
          SG-IoU {formatDelta(diff.metrics.sgIoU)} · Entity-IoU {formatDelta(diff.metrics.entityIoU)} · Relation-IoU {formatDelta(diff.metrics.relationIoU)}
        </p>
        <ul className="mt-1 flex flex-col gap-1">
          {diff.tripleChanges.map((change) => (
            <li key={`${change.subject}-${change.predicate}-${change.object}`} className="flex flex-wrap items-center gap-1">
              {targetName(target, change.subject)} {change.predicate} {targetName(target, change.object)}:{" "}
              {change.from ? <TripleStatusBadge status={change.from} /> : "—"} → {change.to ? <TripleStatusBadge status={change.to} /> : "—"}
            </li>
          ))}
          {diff.found.map((objectId) => (
            <li key={`found-${objectId}`}>{targetName(target, objectId)} appeared</li>
          ))}
          {diff.lost.map((objectId) => (
            <li key={`lost-${objectId}`}>{targetName(target, objectId)} disappeared</li>
          ))}
          {diff.moved.map((move) => (
            <li key={`moved-${move.targetId}`}>
              {targetName(target, move.targetId)} moved {describeMove(move)}
            </li>
          ))}
          {diff.tripleChanges.length + diff.found.length + diff.lost.length + diff.moved.length === 0 ? <li className="text-slate-600">No change in the scene graph.</li> : null}
        </ul>
      </div>
    </div>
  );
}
