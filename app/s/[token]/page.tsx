import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { RunViewer } from "@/components/viewer/run-viewer";
import { getRunByShareToken } from "@/lib/db/runs";
import { runQueries } from "@/lib/viewer/run-queries";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ token: string }> }): Promise<Metadata> {
  const { token } = await params;
  const run = await getRunByShareToken(token);
  if (!run) return { title: "Link not found", robots: { index: false } };
  const best = run.bestSgIoU === null ? "" : ` Best SG-IoU ${run.bestSgIoU.toFixed(2)} after ${run.iterationCount} iteration(s).`;
  return {
    title: run.prompt.slice(0, 80),
    description: `A Generate-Reflect-Edit run, read-only.${best}`,
    robots: { index: false },
  };
}

/** The read-only viewer behind a share link: the same viewer, without any control that changes data. */
export default async function SharedRunPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const run = await getRunByShareToken(token);
  // Unknown or revoked: HTTP 404 and not-found.tsx, not a 200 page that says "not found".
  if (!run) notFound();
  const queryClient = new QueryClient();
  queryClient.setQueryData(runQueries.shared(token).queryKey, run);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <Suspense fallback={<p className="text-slate-700">Loading the run…</p>}>
        <RunViewer source={{ kind: "share", token }} />
      </Suspense>
    </HydrationBoundary>
  );
}
