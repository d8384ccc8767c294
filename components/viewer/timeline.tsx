"use client";

import { useEffect } from "react";
import type { IterationView } from "@/lib/schemas/run";
import { IoUBadge } from "@/components/status-badge";
import { playNext } from "@/lib/viewer/timeline";
import { imageUrl } from "@/lib/viewer/trajectory-export";

export interface TimelineProps {
  iterations: IterationView[];
  selected: number;
  bestIteration: number | null;
  playing: boolean;
  onSelect: (index: number) => void;
  onPlayingChange: (playing: boolean) => void;
  /** For a branch: the last iteration copied from the parent run (the fork point). */
  forkIndex?: number | null;
}

const PLAY_INTERVAL_MS = 1_200;

/** Thumbnails of every iteration with SG-IoU badges, and a play button that steps through them. */
export function Timeline({ iterations, selected, bestIteration, playing, onSelect, onPlayingChange, forkIndex = null }: TimelineProps) {
  const count = iterations.length;
  useEffect(() => {
    if (!playing || count < 2) return;
    const timer = window.setTimeout(() => onSelect(playNext(selected, count)), PLAY_INTERVAL_MS);
    return () => window.clearTimeout(timer);
  }, [playing, selected, count, onSelect]);

  return (
    <nav aria-label="Iterations" className="flex items-center gap-3">
      <button
        type="button"
        data-testid="play-button"
        onClick={() => onPlayingChange(!playing)}
        disabled={count < 2}
        aria-pressed={playing}
        className="shrink-0 rounded border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-50"
      >
        {playing ? "⏸ Pause" : "▶ Play"}
      </button>
      <ol className="flex gap-2 overflow-x-auto pb-1" data-testid="timeline">
        {iterations.map((iteration) => {
          const current = iteration.index === selected;
          const inherited = forkIndex !== null && iteration.index <= forkIndex;
          return (
            <li key={iteration.index} className={iteration.index === forkIndex ? "border-r-2 border-dashed border-slate-400 pr-2" : undefined} data-inherited={inherited}>
              <button
                type="button"
                data-testid="timeline-item"
                data-index={iteration.index}
                aria-current={current ? "step" : undefined}
                aria-label={`Iteration ${iteration.index}, SG-IoU ${iteration.metrics.sgIoU.toFixed(2)}${iteration.index === bestIteration ? ", best" : ""}${inherited ? ", from the parent run" : ""}${iteration.index === forkIndex ? ", fork point" : ""}`}
                onClick={() => onSelect(iteration.index)}
                className={`flex flex-col items-center gap-1 rounded-md border-2 p-1 ${current ? "border-blue-700 bg-blue-50" : "border-transparent hover:border-slate-300"}`}
              >
                <img src={imageUrl(iteration.imageId, "thumb")} alt="" width={64} height={64} loading="lazy" className={`h-16 w-16 rounded object-cover ${inherited ? "opacity-70" : ""}`} />
                <span className="flex items-center gap-1 text-xs text-slate-800">
                  #{iteration.index}
                  <IoUBadge value={iteration.metrics.sgIoU} />
                  {iteration.index === bestIteration ? <span aria-hidden title="best">★</span> : null}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
