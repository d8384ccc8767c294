import type { Metadata } from "next";
import { Suspense } from "react";
import { RunViewer } from "@/components/viewer/run-viewer";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense fallback={<p className="text-slate-700">Loading the run…</p>}>
      <RunViewer source={{ kind: "run", runId: id }} />
    </Suspense>
  );
}
