"use client";

import { Label, Tag, Text } from "react-konva";
import type { OverlayBox, Size } from "@/lib/viewer/overlay-geometry";
import { BOX_COLOR, EXTRA_BOX_COLOR } from "./box-shape";

export interface LabelShapeProps {
  box: OverlayBox;
  canvas: Size;
  highlighted: boolean;
  dimmed: boolean;
}

const FONT_SIZE = 12;

/** A detected object's name, on a solid tag above its box (inside the box when the box touches the top). */
export function LabelShape({ box, canvas, highlighted, dimmed }: LabelShapeProps) {
  const above = box.rect.y >= FONT_SIZE + 6;
  const y = above ? box.rect.y - (FONT_SIZE + 6) : box.rect.y;
  const x = Math.min(box.rect.x, Math.max(0, canvas.width - 8 * box.label.length));
  return (
    <Label x={x} y={y} opacity={dimmed ? 0.35 : 1} listening={false}>
      <Tag fill={box.matched ? BOX_COLOR : EXTRA_BOX_COLOR} cornerRadius={2} />
      <Text text={box.matched ? box.label : `${box.label} (extra)`} fontSize={FONT_SIZE} fontStyle={highlighted ? "bold" : "normal"} fill="#ffffff" padding={3} />
    </Label>
  );
}
