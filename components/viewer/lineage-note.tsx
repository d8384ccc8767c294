import Link from "next/link";
import type { RunLineage } from "@/lib/schemas/run";

/** Where a branch came from: the parent run (a link for the owner) and what the person changed. */
export function LineageNote({ lineage, linkParent }: { lineage: RunLineage; linkParent: boolean }) {
  const parent =
    linkParent && lineage.parentRunId ? (
      <Link href={`/runs/${encodeURIComponent(lineage.parentRunId)}?i=${lineage.forkIndex}`} className="text-blue-800 underline">
        another run
      </Link>
    ) : (
      "another run"
    );
  return (
    <p className="rounded bg-indigo-50 px-3 py-2 text-sm text-indigo-950" data-testid="lineage-note">
      A branch of {parent}, forked at iteration {lineage.forkIndex}: iterations 0–{lineage.forkIndex} are that run&apos;s, and iteration {lineage.forkIndex + 1}{" "}
      {"instruction" in lineage.steer ? (
        <>
          applies a person&apos;s instruction: <q data-testid="lineage-instruction">{lineage.steer.instruction}</q>
        </>
      ) : (
        <>was written by the Actor from a critique a person edited.</>
      )}
    </p>
  );
}
