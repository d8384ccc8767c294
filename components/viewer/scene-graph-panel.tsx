import type { IterationView } from "@/lib/schemas/run";
import type { SceneGraph } from "@/lib/pipeline/scene-graph/schema";
import { nodeText } from "@/lib/pipeline/scene-graph/schema";

/** Target objects (found or missing) beside the detected objects (matched or extra), and relations the Checker saw. */
export function SceneGraphPanel({ target, iteration }: { target: SceneGraph; iteration: IterationView }) {
  const { critique, detected } = iteration;
  const missing = new Set(critique.missingObjects);
  const targetByDetected = new Map(Object.entries(critique.matches).map(([targetId, detectedId]) => [detectedId, targetId]));
  const mismatches = new Map(critique.attributeMismatches.map((mismatch) => [mismatch.objectId, mismatch]));
  const detectedName = (id: string) => {
    const object = detected.objects.find((candidate) => candidate.id === id);
    return object ? nodeText(object) : id;
  };

  return (
    <div className="grid grid-cols-1 gap-4 text-sm sm:grid-cols-2" data-testid="scene-graph-panel">
      <div>
        <h4 className="mb-1 font-medium text-slate-800">Target</h4>
        <ul className="flex flex-col gap-1">
          {target.objects.map((object) => {
            const mismatch = mismatches.get(object.id);
            return (
              <li key={object.id} className="flex flex-wrap items-center gap-2">
                <span>{nodeText(object)}</span>
                {missing.has(object.id) ? <span className="rounded bg-amber-50 px-1.5 text-xs text-amber-900 ring-1 ring-amber-300">missing</span> : <span className="rounded bg-green-50 px-1.5 text-xs text-green-800 ring-1 ring-green-300">found</span>}
                {mismatch ? (
                  <span className="text-xs text-red-800">
                    wants {mismatch.expected.join(", ") || "no attribute"}, sees {mismatch.observed.join(", ") || "none"}
                  </span>
                ) : null}
              </li>
            );
          })}
        </ul>
      </div>
      <div>
        <h4 className="mb-1 font-medium text-slate-800">Detected</h4>
        <ul className="flex flex-col gap-1">
          {detected.objects.map((object) => (
            <li key={object.id} className="flex flex-wrap items-center gap-2">
              <span>{nodeText(object)}</span>
              {targetByDetected.has(object.id) ? null : <span className="rounded bg-purple-50 px-1.5 text-xs text-purple-800 ring-1 ring-purple-300">extra</span>}
              {object.depth !== undefined ? <span className="text-xs text-slate-600">depth {object.depth.toFixed(2)}</span> : null}
            </li>
          ))}
          {detected.objects.length === 0 ? <li className="text-slate-600">nothing detected</li> : null}
        </ul>
        {detected.relations.length > 0 ? (
          <>
            <h4 className="mb-1 mt-3 font-medium text-slate-800">Relations seen</h4>
            <ul className="flex flex-col gap-1">
              {detected.relations.map((relation) => (
                <li key={`${relation.subject}-${relation.predicate}-${relation.object}`}>
                  {detectedName(relation.subject)} <span className="text-slate-600">{relation.predicate}</span> {detectedName(relation.object)}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </div>
  );
}
