"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { RunStatusBadge } from "@/components/status-badge";
import { formatDelta, formatIoU, withoutSceneContext } from "@/lib/viewer/format";
import { runQueries } from "@/lib/viewer/run-queries";
import { isLive } from "@/lib/viewer/run-stream";

const POLL_MS = 1_500;

/**
 * The tree's rollout groups: for each weighed state, the policy's candidate edits as sibling
 * branches with the probability the policy gave each, and, once checked, the trainer's reward and
 * the group-normalised advantage that training would push the policy by.
 */
export function RolloutGroups({ runId }: { runId: string }) {
  const groups = useQuery({
    ...runQueries.rollouts(runId),
    refetchInterval: (query) => (query.state.data?.groups.some((group) => group.samples.some((sample) => isLive(sample.status))) ? POLL_MS : false),
  });
  if (!groups.data || groups.data.groups.length === 0) return null;
  return (
    <div className="mt-4 flex flex-col gap-3" data-testid="rollout-groups">
      {groups.data.groups.map((group) => {
        const maxProbability = Math.max(...group.samples.map((sample) => sample.probability), 1e-9);
        return (
          <div key={group.group} className="overflow-x-auto" data-testid="rollout-group">
            <table className="min-w-full text-left text-sm">
              <caption className="mb-1 text-left text-sm text-slate-800">
                Candidate edits of iteration {group.forkIndex} (SG-IoU {formatIoU(group.stateSgIoU)}) as the “{group.policy}” policy weighs them; reward and advantage as Reflection-GRPO computes them
              </caption>
              <thead className="text-xs text-slate-600">
                <tr>
                  <th scope="col" className="py-1 pr-2 font-medium">Instruction</th>
                  <th scope="col" className="py-1 pr-2 font-medium">Kind</th>
                  <th scope="col" className="py-1 pr-2 font-medium">Probability</th>
                  <th scope="col" className="py-1 pr-2 font-medium">SG-IoU after</th>
                  <th scope="col" className="py-1 pr-2 font-medium">Reward</th>
                  <th scope="col" className="py-1 pr-2 font-medium">Advantage</th>
                  <th scope="col" className="py-1 font-medium">Status</th>
                </tr>
              </thead>
              <tbody>
                {group.samples.map((sample) => (
                  <tr key={sample.runId} className="border-t border-slate-100" data-testid="rollout-sample" data-reward={sample.reward ?? ""} data-advantage={sample.advantage ?? ""}>
                    <td className="max-w-md py-1 pr-2">
                      <Link href={`/runs/${encodeURIComponent(sample.runId)}?i=${group.forkIndex + 1}`} className="text-blue-800 underline">
                        {withoutSceneContext(sample.instruction)}
                      </Link>
                    </td>
                    <td className="py-1 pr-2 font-mono text-xs">{sample.kind}</td>
                    <td className="py-1 pr-2">
                      <span className="flex items-center gap-1">
                        <span aria-hidden className="inline-block h-2 rounded bg-blue-600" style={{ width: `${Math.max(2, (sample.probability / maxProbability) * 60)}px` }} />
                        <span className="font-mono text-xs">{(sample.probability * 100).toFixed(1)}%</span>
                      </span>
                    </td>
                    <td className="py-1 pr-2 font-mono text-xs">{sample.sgIoU === null ? "…" : formatIoU(sample.sgIoU)}</td>
                    <td className="py-1 pr-2 font-mono text-xs">{sample.reward === null ? "…" : formatDelta(sample.reward)}</td>
                    <td className={`py-1 pr-2 font-mono text-xs ${sample.advantage === null ? "" : sample.advantage > 0 ? "text-green-800" : sample.advantage < 0 ? "text-red-800" : ""}`}>
                      {sample.advantage === null ? "…" : formatDelta(sample.advantage)}
                    </td>
                    <td className="py-1">
                      <RunStatusBadge status={sample.status} testId="rollout-status" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </div>
  );
}
