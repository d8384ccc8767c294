"use client";

import { Arrow, Group, Label, Layer, Rect, Stage, Tag, Text } from "react-konva";
import type { EditorState } from "@/lib/viewer/target-editor";

const NODE_WIDTH = 120;
const NODE_HEIGHT = 44;

export interface TargetCanvasProps {
  state: EditorState;
  width: number;
  height: number;
  /** The object picked as a relation's subject while drawing an arrow. */
  pendingSubject: string | null;
  selected: string | null;
  onMove: (id: string, x: number, y: number) => void;
  onPick: (id: string) => void;
}

/**
 * The editor's canvas (react-konva; load it with next/dynamic, ssr: false): objects as cards to
 * drag, relations as arrows from subject to object with their predicate. Clicking a card picks it
 * (the form beside the canvas does everything the canvas does, for the keyboard).
 */
export function TargetCanvas({ state, width, height, pendingSubject, selected, onMove, onPick }: TargetCanvasProps) {
  const centre = (id: string) => {
    const object = state.objects.find((candidate) => candidate.id === id);
    return object ? { x: object.x * (width - NODE_WIDTH) + NODE_WIDTH / 2, y: object.y * (height - NODE_HEIGHT) + NODE_HEIGHT / 2 } : null;
  };
  return (
    <Stage width={width} height={height}>
      <Layer>
        <Rect width={width} height={height} fill="#f8fafc" />
        {state.relations.map((relation, index) => {
          const from = centre(relation.subject);
          const to = centre(relation.object);
          if (!from || !to) return null;
          // End the arrow at the card's edge, not its centre.
          const dx = to.x - from.x;
          const dy = to.y - from.y;
          const length = Math.hypot(dx, dy) || 1;
          const inset = Math.min(Math.abs((NODE_WIDTH / 2) * (length / (Math.abs(dx) || 1e-6))), Math.abs((NODE_HEIGHT / 2) * (length / (Math.abs(dy) || 1e-6))));
          const end = { x: to.x - (dx / length) * inset, y: to.y - (dy / length) * inset };
          return (
            <Group key={`${relation.subject}-${relation.predicate}-${relation.object}-${index}`}>
              <Arrow points={[from.x, from.y, end.x, end.y]} stroke="#1d4ed8" fill="#1d4ed8" strokeWidth={2.5} pointerLength={10} pointerWidth={10} />
              <Label x={(from.x + end.x) / 2} y={(from.y + end.y) / 2}>
                <Tag fill="#ffffff" stroke="#1d4ed8" strokeWidth={1} cornerRadius={3} />
                <Text text={relation.predicate} fontSize={12} fill="#0f172a" padding={3} />
              </Label>
            </Group>
          );
        })}
        {state.objects.map((object) => {
          const highlighted = object.id === pendingSubject || object.id === selected;
          return (
            <Group
              key={object.id}
              x={object.x * (width - NODE_WIDTH)}
              y={object.y * (height - NODE_HEIGHT)}
              draggable
              onDragEnd={(event) => onMove(object.id, event.target.x() / (width - NODE_WIDTH), event.target.y() / (height - NODE_HEIGHT))}
              onClick={() => onPick(object.id)}
              onTap={() => onPick(object.id)}
            >
              <Rect width={NODE_WIDTH} height={NODE_HEIGHT} cornerRadius={8} fill={highlighted ? "#dbeafe" : "#ffffff"} stroke={object.id === pendingSubject ? "#b45309" : "#334155"} strokeWidth={highlighted ? 3 : 1.5} shadowBlur={4} shadowOpacity={0.15} />
              <Text text={object.label} width={NODE_WIDTH} y={6} align="center" fontSize={14} fontStyle="bold" fill="#0f172a" />
              <Text text={object.attributes.join(" ") || object.id} width={NODE_WIDTH} y={25} align="center" fontSize={11} fill="#475569" />
            </Group>
          );
        })}
      </Layer>
    </Stage>
  );
}
