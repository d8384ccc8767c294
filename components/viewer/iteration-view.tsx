"use client";

import type { OverlayLayers } from "@/components/canvas/overlay-canvas";
import type { IterationView as Iteration, RunDetail, RunTree } from "@/lib/schemas/run";
import { CompareView } from "./compare-view";
import { ExportTrajectory } from "./export-trajectory";
import { ForkPanel } from "./fork-panel";
import { ImageStage } from "./image-stage";
import { IterationDetails } from "./iteration-details";
import { LayerToggles } from "./layer-toggles";
import { MetricsChart } from "./metrics-chart";
import { SceneGraphPanel } from "./scene-graph-panel";
import { TriplesPanel } from "./triples-panel";

export interface IterationViewProps {
  run: RunDetail;
  iteration: Iteration;
  other: Iteration | undefined;
  layers: OverlayLayers;
  onLayersChange: (layers: OverlayLayers) => void;
  highlightedTriple: number | null;
  onHighlight: (tripleIndex: number | null) => void;
  onSelect: (index: number) => void;
  onCompareWith: (index: number) => void;
  /** A share link's view: no forking. */
  readOnly: boolean;
  /** The owner's view: the run's tree, for comparing with other branches. */
  tree?: RunTree;
}

function Panel({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid={testId}>
      <h2 className="text-base font-semibold">{title}</h2>
      {children}
    </section>
  );
}

/** One iteration: image and overlay, then its triples, critique and scene graphs; the chart, comparison and export below. */
export function IterationView({ run, iteration, other, layers, onLayersChange, highlightedTriple, onHighlight, onSelect, onCompareWith, readOnly, tree }: IterationViewProps) {
  const next = run.iterations.find((candidate) => candidate.index === iteration.index + 1);
  return (
    <div className="flex flex-col gap-4">
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <section className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby="image-title">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h2 id="image-title" className="text-base font-semibold">
              Iteration {iteration.index}
              {iteration.index === run.bestIteration ? <span className="ml-2 rounded bg-green-700 px-1.5 py-0.5 text-xs font-medium text-white">best</span> : null}
            </h2>
            <LayerToggles layers={layers} onChange={onLayersChange} />
          </div>
          <ImageStage iteration={iteration} layers={layers} highlightedTriple={highlightedTriple} onHoverTriple={onHighlight} />
          <p className="text-xs text-slate-600">
            ← / → step through iterations · Home / End jump to the first / last · hover or focus a triple to highlight it{readOnly ? "" : " · [ / ] step to the previous / next branch"}.
          </p>
        </section>
        <div className="flex flex-col gap-4">
          <Panel title="Relations: target vs image">
            <TriplesPanel target={run.target} iteration={iteration} highlightedTriple={highlightedTriple} onHighlight={onHighlight} />
          </Panel>
          <Panel title="Critique and edits">
            <IterationDetails iteration={iteration} nextInstruction={next?.instruction ?? null} />
            {readOnly ? null : <ForkPanel key={`${run.id}-${iteration.index}`} run={run} iteration={iteration} />}
          </Panel>
        </div>
      </div>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Panel title="Scene graph: target vs detected">
          <SceneGraphPanel target={run.target} iteration={iteration} />
        </Panel>
        <Panel title="Metrics over iterations">
          <MetricsChart iterations={run.iterations} selected={iteration.index} onSelect={onSelect} />
        </Panel>
      </div>
      {other ? (
        <Panel title="Compare iterations">
          <CompareView target={run.target} iterations={run.iterations} current={iteration} other={other} onOtherChange={onCompareWith} {...(tree ? { tree: { data: tree, runId: run.id } } : {})} />
        </Panel>
      ) : null}
      <Panel title="Export">
        <ExportTrajectory run={run} />
      </Panel>
    </div>
  );
}
