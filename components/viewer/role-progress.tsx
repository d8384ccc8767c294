import type { RoleProgressView } from "@/lib/schemas/run";
import { progressFraction } from "@/lib/viewer/run-stream";

/** The iteration in flight: which role is working and how far it has got (e.g. ComfyUI's sampling steps). */
export function RoleProgress({ progress }: { progress: RoleProgressView }) {
  const percent = Math.round(progressFraction(progress) * 100);
  return (
    <div className="flex flex-col gap-1 rounded-lg border border-blue-200 bg-blue-50 px-4 py-2 text-sm text-blue-900" data-testid="role-progress" data-role={progress.role} data-iteration={progress.iteration}>
      <div className="flex flex-wrap justify-between gap-2">
        <span>
          Iteration {progress.iteration}: <span className="font-medium capitalize">{progress.role}</span>
          {progress.stage ? <span className="text-blue-800"> ({progress.stage})</span> : null}
        </span>
        <span className="font-mono" data-testid="role-progress-count">
          {progress.done}/{progress.total}
        </span>
      </div>
      <progress max={100} value={percent} className="h-2 w-full" aria-label={`${progress.role} progress, iteration ${progress.iteration}`}>
        {percent}%
      </progress>
    </div>
  );
}
