"use client";

import { Arrow, Group, Label, Tag, Text } from "react-konva";
import type { OverlayArrow } from "@/lib/viewer/overlay-geometry";

export interface RelationArrowShapeProps {
  arrow: OverlayArrow;
  highlighted: boolean;
  dimmed: boolean;
  onHover: (tripleIndex: number | null) => void;
}

/**
 * A target triple between the two boxes it joins, coloured by status: solid when satisfied,
 * dashed when violated or missing. The label says the asked predicate (and what was seen instead).
 */
export function RelationArrowShape({ arrow, highlighted, dimmed, onHover }: RelationArrowShapeProps) {
  const text = arrow.status === "violated" && arrow.observedPredicate ? `${arrow.predicate} (seen: ${arrow.observedPredicate})` : arrow.predicate;
  return (
    <Group opacity={dimmed ? 0.25 : 1} onMouseEnter={() => onHover(arrow.tripleIndex)} onMouseLeave={() => onHover(null)}>
      <Arrow
        points={arrow.geometry.points}
        stroke={arrow.color}
        fill={arrow.color}
        strokeWidth={highlighted ? 5 : 3}
        pointerLength={10}
        pointerWidth={10}
        dash={arrow.status === "satisfied" ? undefined : [8, 5]}
        hitStrokeWidth={16}
        shadowColor="#ffffff"
        shadowBlur={highlighted ? 6 : 2}
      />
      <Label x={arrow.geometry.label.x} y={arrow.geometry.label.y}>
        <Tag fill="#ffffff" stroke={arrow.color} strokeWidth={1} cornerRadius={3} pointerDirection="none" />
        <Text text={text} fontSize={12} fontStyle={highlighted ? "bold" : "normal"} fill="#0f172a" padding={3} />
      </Label>
    </Group>
  );
}
