import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import type { ShareState } from "@/components/viewer/run-actions";
import { RunViewer } from "@/components/viewer/run-viewer";
import { getRunDetail, getShareLink } from "@/lib/db/runs";
import { runQueries } from "@/lib/viewer/run-queries";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  const run = await getRunDetail(id);
  return { title: run ? run.prompt.slice(0, 80) : "Run not found" };
}

/** The owner's viewer: the run and its share link come with the HTML, then the client follows the run live. */
export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [run, link] = await Promise.all([getRunDetail(id), getShareLink(id)]);
  if (!run) notFound();
  const queryClient = new QueryClient();
  queryClient.setQueryData(runQueries.detail(id).queryKey, run);
  queryClient.setQueryData<ShareState>(runQueries.share(id), { url: link?.url ?? null, expiresAt: link?.expiresAt ?? null });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <Suspense fallback={<p className="text-slate-700">Loading the run…</p>}>
        <RunViewer source={{ kind: "run", runId: id }} />
      </Suspense>
    </HydrationBoundary>
  );
}
