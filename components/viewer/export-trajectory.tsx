"use client";

import type { RunDetail } from "@/lib/schemas/run";
import { buildTrajectoryExport, imageUrl, trajectoryFileName } from "@/lib/viewer/trajectory-export";

/** Download the trajectory as JSON, and links to every iteration's image. Changes nothing, so the shared viewer has it too. */
export function ExportTrajectory({ run }: { run: RunDetail }) {
  function download() {
    const trajectory = buildTrajectoryExport(run, window.location.origin);
    const blob = new Blob([JSON.stringify(trajectory, null, 2)], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = trajectoryFileName(run);
    anchor.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  }

  return (
    <div className="flex flex-col gap-2 text-sm">
      <button type="button" data-testid="export-json" onClick={download} disabled={run.iterations.length === 0} className="self-start rounded border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-100 disabled:opacity-50">
        Export trajectory (JSON)
      </button>
      {run.iterations.length > 0 ? (
        <details>
          <summary className="cursor-pointer text-slate-700">Images ({run.iterations.length})</summary>
          <ul className="mt-1 flex flex-col gap-0.5">
            {run.iterations.map((iteration) => (
              <li key={iteration.index}>
                <a href={imageUrl(iteration.imageId)} download={`iteration-${String(iteration.index).padStart(2, "0")}.png`} className="text-blue-800 underline">
                  iteration-{String(iteration.index).padStart(2, "0")}.png
                </a>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
