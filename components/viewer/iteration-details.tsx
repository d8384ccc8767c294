import type { IterationView } from "@/lib/schemas/run";
import { formatIoU, formatMs, orderedDurations } from "@/lib/viewer/format";

export interface IterationDetailsProps {
  iteration: IterationView;
  /** The instruction the Actor wrote after critiquing this iteration (the next iteration's edit). */
  nextInstruction: string | null;
}

/** The Checker's critique, the Actor's instructions, the metrics, warnings and each role's time for one iteration. */
export function IterationDetails({ iteration, nextInstruction }: IterationDetailsProps) {
  const durations = orderedDurations(iteration.durationsMs);
  const total = durations.reduce((sum, [, ms]) => sum + ms, 0);
  return (
    <div className="flex flex-col gap-3 text-sm" data-testid="iteration-details">
      <dl className="grid grid-cols-3 gap-2 text-center">
        {(
          [
            ["SG-IoU", iteration.metrics.sgIoU],
            ["Entity-IoU", iteration.metrics.entityIoU],
            ["Relation-IoU", iteration.metrics.relationIoU],
          ] as const
        ).map(([label, value]) => (
          <div key={label} className="rounded border border-slate-200 bg-slate-50 py-1">
            <dt className="text-xs text-slate-600">{label}</dt>
            <dd className="font-mono text-lg" data-testid={`metric-${label.toLowerCase()}`}>
              {formatIoU(value)}
            </dd>
          </div>
        ))}
      </dl>
      <div>
        <h4 className="font-medium text-slate-800">Edit applied (Editor)</h4>
        <p data-testid="instruction" className="text-slate-800">
          {iteration.instruction ?? <span className="text-slate-600">First generation from the prompt (Diffuser).</span>}
        </p>
      </div>
      <div>
        <h4 className="font-medium text-slate-800">Checker&apos;s critique</h4>
        <p data-testid="critique-summary" className="text-slate-800">
          {iteration.critique.summary}
        </p>
      </div>
      <div>
        <h4 className="font-medium text-slate-800">Actor&apos;s next instruction</h4>
        <p className="text-slate-800">{nextInstruction ?? <span className="text-slate-600">none: the loop stopped here or has not gone further yet.</span>}</p>
      </div>
      {iteration.warnings.length > 0 ? (
        <div>
          <h4 className="font-medium text-slate-800">Warnings</h4>
          <ul data-testid="warnings" className="list-disc pl-5 text-amber-900">
            {iteration.warnings.map((warning, index) => (
              <li key={index}>{warning}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div>
        <h4 className="font-medium text-slate-800">Time per role</h4>
        <table className="text-sm">
          <caption className="sr-only">Time each role took in iteration {iteration.index}</caption>
          <tbody>
            {durations.map(([role, ms]) => (
              <tr key={role}>
                <th scope="row" className="pr-4 text-left font-normal capitalize text-slate-700">
                  {role}
                </th>
                <td className="text-right font-mono">{formatMs(ms)}</td>
              </tr>
            ))}
            <tr className="border-t border-slate-200">
              <th scope="row" className="pr-4 text-left font-medium">
                Total
              </th>
              <td className="text-right font-mono">{formatMs(total)}</td>
            </tr>
          </tbody>
        </table>
      </div>
    </div>
  );
}
