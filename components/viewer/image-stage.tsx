"use client";

import dynamic from "next/dynamic";
import { useMemo } from "react";
import type { IterationView } from "@/lib/schemas/run";
import { buildOverlay, highlightedTargetIds } from "@/lib/viewer/overlay-geometry";
import { imageUrl } from "@/lib/viewer/trajectory-export";
import type { OverlayLayers } from "@/components/canvas/overlay-canvas";
import { useElementWidth } from "./use-element-width";

const OverlayCanvas = dynamic(() => import("@/components/canvas/overlay-canvas").then((module) => module.OverlayCanvas), { ssr: false });

export interface ImageStageProps {
  iteration: IterationView;
  layers: OverlayLayers;
  highlightedTriple: number | null;
  onHoverTriple: (tripleIndex: number | null) => void;
}

/**
 * An iteration's image with the overlay on top. Images in this app are square (the sim draws
 * 512 x 512); boxes are normalised, so the overlay fits any size. The wrapper exposes what is
 * drawn as data attributes for tests and as a text alternative for screen readers.
 */
export function ImageStage({ iteration, layers, highlightedTriple, onHoverTriple }: ImageStageProps) {
  const [ref, width] = useElementWidth();
  const size = useMemo(() => ({ width, height: width }), [width]);
  const overlay = useMemo(() => buildOverlay(iteration.detected, iteration.critique, size), [iteration, size]);
  const highlightedObjects = useMemo(() => highlightedTargetIds(iteration.critique, highlightedTriple), [iteration, highlightedTriple]);
  const drawnBoxes = layers.boxes ? overlay.boxes.length : 0;
  const drawnArrows = layers.relations ? overlay.arrows.length : 0;
  const description = `Iteration ${iteration.index}: ${overlay.boxes.length} detected object${overlay.boxes.length === 1 ? "" : "s"}, ${overlay.arrows.length} relation arrow${overlay.arrows.length === 1 ? "" : "s"}.`;

  return (
    <figure className="flex flex-col gap-2">
      <div
        ref={ref}
        data-testid="overlay-data"
        data-iteration={iteration.index}
        data-boxes={drawnBoxes}
        data-arrows={drawnArrows}
        data-undrawn-triples={overlay.undrawnTriples.length}
        data-statuses={overlay.arrows.map((arrow) => arrow.status).join(",")}
        className="relative aspect-square w-full overflow-hidden rounded-lg border border-slate-300 bg-slate-200"
      >
        <img src={imageUrl(iteration.imageId)} alt={description} width={512} height={512} className="absolute inset-0 h-full w-full select-none" draggable={false} />
        {width > 0 ? (
          <div data-testid="overlay-canvas" className="absolute inset-0">
            <OverlayCanvas
              overlay={overlay}
              size={size}
              layers={layers}
              highlightedTriple={highlightedTriple}
              highlightedObjects={highlightedObjects}
              onHoverTriple={onHoverTriple}
            />
          </div>
        ) : null}
      </div>
      <figcaption className="flex flex-wrap gap-3 text-xs text-slate-700">
        <Legend color="var(--color-satisfied)" label="satisfied" />
        <Legend color="var(--color-violated)" label="violated (dashed)" />
        <Legend color="var(--color-missing)" label="missing (dashed)" />
        {overlay.undrawnTriples.length > 0 ? <span>{overlay.undrawnTriples.length} triple(s) not drawn: an object was not found.</span> : null}
      </figcaption>
    </figure>
  );
}

function Legend({ color, label }: { color: string; label: string }) {
  return (
    <span className="inline-flex items-center gap-1">
      <span aria-hidden className="inline-block h-0.5 w-5" style={{ backgroundColor: color }} />
      {label}
    </span>
  );
}
