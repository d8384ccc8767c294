"use client";

import { useId, useState } from "react";
import type { IterationView } from "@/lib/schemas/run";
import type { SceneGraph } from "@/lib/pipeline/scene-graph/schema";
import { TripleStatusBadge } from "@/components/status-badge";
import { formatDelta } from "@/lib/viewer/format";
import { describeMove, diffIterations } from "@/lib/viewer/iteration-diff";
import { imageUrl } from "@/lib/viewer/trajectory-export";
import { targetName } from "./triples-panel";

export interface CompareViewProps {
  target: SceneGraph;
  iterations: IterationView[];
  /** The iteration on the right / revealed by the slider. */
  current: IterationView;
  other: IterationView;
  onOtherChange: (index: number) => void;
}

type Mode = "side-by-side" | "slider";

/** Two iterations side by side or under a reveal slider, with what changed between them. */
export function CompareView({ target, iterations, current, other, onOtherChange }: CompareViewProps) {
  const id = useId();
  const [mode, setMode] = useState<Mode>("side-by-side");
  const [reveal, setReveal] = useState(50);
  const [before, after] = other.index <= current.index ? [other, current] : [current, other];
  const diff = diffIterations(before, after);

  return (
    <div className="flex flex-col gap-3" data-testid="compare-view">
      <div className="flex flex-wrap items-end gap-4 text-sm">
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-other`} className="font-medium text-slate-800">
            Compare iteration {current.index} with
          </label>
          <select id={`${id}-other`} value={other.index} onChange={(event) => onOtherChange(Number(event.target.value))} className="rounded border border-slate-300 bg-white px-2 py-1">
            {iterations
              .filter((iteration) => iteration.index !== current.index)
              .map((iteration) => (
                <option key={iteration.index} value={iteration.index}>
                  iteration {iteration.index} (SG-IoU {iteration.metrics.sgIoU.toFixed(2)})
                </option>
              ))}
          </select>
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

      {mode === "side-by-side" ? (
        <div className="grid max-w-3xl grid-cols-2 gap-3">
          {[before, after].map((iteration) => (
            <figure key={iteration.index} className="flex flex-col gap-1">
              <img src={imageUrl(iteration.imageId)} alt={`Iteration ${iteration.index}`} width={512} height={512} loading="lazy" className="aspect-square w-full rounded border border-slate-300" />
              <figcaption className="text-center text-xs text-slate-700">
                iteration {iteration.index} · SG-IoU {iteration.metrics.sgIoU.toFixed(2)}
              </figcaption>
            </figure>
          ))}
        </div>
      ) : (
        <div className="flex flex-col gap-2">
          <div className="relative aspect-square w-full max-w-md overflow-hidden rounded border border-slate-300" data-testid="compare-slider">
            <img src={imageUrl(after.imageId)} alt={`Iteration ${after.index}`} width={512} height={512} className="absolute inset-0 h-full w-full" />
            <img
              src={imageUrl(before.imageId)}
              alt={`Iteration ${before.index}`}
              width={512}
              height={512}
              className="absolute inset-0 h-full w-full"
              style={{ clipPath: `inset(0 ${100 - reveal}% 0 0)` }}
            />
            <div aria-hidden className="absolute inset-y-0 w-0.5 bg-white shadow" style={{ left: `${reveal}%` }} />
          </div>
          <label className="flex max-w-md items-center gap-2 text-sm">
            <span className="shrink-0">
              Iteration {before.index} ◂ ▸ {after.index}
            </span>
            <input type="range" min={0} max={100} value={reveal} onChange={(event) => setReveal(Number(event.target.value))} className="w-full accent-blue-700" aria-label={`Reveal iteration ${before.index} over iteration ${after.index}, percent`} />
          </label>
        </div>
      )}

      <div className="text-sm" data-testid="compare-diff">
        <h4 className="font-medium text-slate-800">
          From iteration {before.index} to {after.index}
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
