"use client";

import type { IterationView } from "@/lib/schemas/run";
import type { SceneGraph } from "@/lib/pipeline/scene-graph/schema";
import { nodeText } from "@/lib/pipeline/scene-graph/schema";
import { TripleStatusBadge } from "@/components/status-badge";

export interface TriplesPanelProps {
  target: SceneGraph;
  iteration: IterationView;
  highlightedTriple: number | null;
  onHighlight: (tripleIndex: number | null) => void;
}

export function targetName(target: SceneGraph, id: string): string {
  const object = target.objects.find((candidate) => candidate.id === id);
  return object ? nodeText(object) : id;
}

/** Every target triple with its status in this iteration; hovering or focusing a row highlights it on the canvas. */
export function TriplesPanel({ target, iteration, highlightedTriple, onHighlight }: TriplesPanelProps) {
  const triples = iteration.critique.triples;
  if (triples.length === 0) return <p className="text-sm text-slate-600">The target has no relations.</p>;
  return (
    <table className="w-full text-sm" data-testid="triples-table">
      <caption className="sr-only">Target relations and their status in iteration {iteration.index}</caption>
      <thead>
        <tr className="text-left text-xs text-slate-600">
          <th scope="col" className="py-1 font-medium">
            Target triple
          </th>
          <th scope="col" className="py-1 font-medium">
            Status
          </th>
          <th scope="col" className="py-1 font-medium">
            Seen
          </th>
        </tr>
      </thead>
      <tbody>
        {triples.map((triple, index) => (
          <tr
            key={`${triple.subject}-${triple.predicate}-${triple.object}`}
            data-testid="triple-row"
            data-status={triple.status}
            tabIndex={0}
            aria-label={`${targetName(target, triple.subject)} ${triple.predicate} ${targetName(target, triple.object)}: ${triple.status}. Focus to highlight on the image.`}
            onMouseEnter={() => onHighlight(index)}
            onMouseLeave={() => onHighlight(null)}
            onFocus={() => onHighlight(index)}
            onBlur={() => onHighlight(null)}
            className={`border-t border-slate-100 ${highlightedTriple === index ? "bg-blue-50" : ""}`}
          >
            <td className="py-1 pr-2">
              <span className="font-medium">{targetName(target, triple.subject)}</span> <span className="text-slate-600">{triple.predicate}</span>{" "}
              <span className="font-medium">{targetName(target, triple.object)}</span>
            </td>
            <td className="py-1 pr-2">
              <TripleStatusBadge status={triple.status} />
            </td>
            <td className="py-1 text-slate-700">{triple.observedPredicate ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
