"use client";

import { Layer, Stage } from "react-konva";
import type { Overlay, Size } from "@/lib/viewer/overlay-geometry";
import { BoxShape } from "./box-shape";
import { LabelShape } from "./label-shape";
import { RelationArrowShape } from "./relation-arrow-shape";

export interface OverlayLayers {
  boxes: boolean;
  labels: boolean;
  relations: boolean;
}

export interface OverlayCanvasProps {
  overlay: Overlay;
  size: Size;
  layers: OverlayLayers;
  highlightedTriple: number | null;
  /** Target ids of the objects the highlighted triple joins. */
  highlightedObjects: ReadonlySet<string>;
  onHoverTriple: (tripleIndex: number | null) => void;
}

/** The react-konva overlay drawn over an iteration's image. Client-only: load it with next/dynamic (ssr: false). */
export function OverlayCanvas({ overlay, size, layers, highlightedTriple, highlightedObjects, onHoverTriple }: OverlayCanvasProps) {
  const anyHighlight = highlightedTriple !== null;
  const isHighlighted = (targetId: string | null) => targetId !== null && highlightedObjects.has(targetId);
  return (
    <Stage width={size.width} height={size.height} className="absolute inset-0">
      {layers.boxes ? (
        <Layer listening={false}>
          {overlay.boxes.map((box) => (
            <BoxShape key={box.id} box={box} highlighted={isHighlighted(box.targetId)} dimmed={anyHighlight && !isHighlighted(box.targetId)} />
          ))}
        </Layer>
      ) : null}
      {layers.relations ? (
        <Layer>
          {overlay.arrows.map((arrow) => (
            <RelationArrowShape
              key={arrow.tripleIndex}
              arrow={arrow}
              highlighted={highlightedTriple === arrow.tripleIndex}
              dimmed={anyHighlight && highlightedTriple !== arrow.tripleIndex}
              onHover={onHoverTriple}
            />
          ))}
        </Layer>
      ) : null}
      {layers.labels ? (
        <Layer listening={false}>
          {overlay.boxes.map((box) => (
            <LabelShape key={box.id} box={box} canvas={size} highlighted={isHighlighted(box.targetId)} dimmed={anyHighlight && !isHighlighted(box.targetId)} />
          ))}
        </Layer>
      ) : null}
    </Stage>
  );
}
