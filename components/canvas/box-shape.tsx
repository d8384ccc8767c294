"use client";

import { Rect } from "react-konva";
import type { OverlayBox } from "@/lib/viewer/overlay-geometry";

export interface BoxShapeProps {
  box: OverlayBox;
  /** Drawn stronger: one of the objects the hovered triple joins. */
  highlighted: boolean;
  /** Something else is highlighted: fade this box. */
  dimmed: boolean;
}

export const BOX_COLOR = "#1d4ed8";
export const EXTRA_BOX_COLOR = "#6b21a8";

/** One detected object's box; extra objects (not asked for) are dashed purple. */
export function BoxShape({ box, highlighted, dimmed }: BoxShapeProps) {
  return (
    <Rect
      x={box.rect.x}
      y={box.rect.y}
      width={box.rect.width}
      height={box.rect.height}
      stroke={box.matched ? BOX_COLOR : EXTRA_BOX_COLOR}
      strokeWidth={highlighted ? 4 : 2}
      dash={box.matched ? undefined : [6, 4]}
      fill={highlighted ? "rgba(29, 78, 216, 0.12)" : undefined}
      opacity={dimmed ? 0.35 : 1}
      listening={false}
    />
  );
}
