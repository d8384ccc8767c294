import type { Metadata } from "next";
import { Suspense } from "react";
import { RunViewer } from "@/components/viewer/run-viewer";

export const metadata: Metadata = {
  title: "Shared run",
  description: "A read-only Generate-Reflect-Edit run: every iteration, its scene graph and critique.",
  robots: { index: false },
};

export default async function SharedRunPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <Suspense fallback={<p className="text-slate-700">Loading the run…</p>}>
      <RunViewer source={{ kind: "share", token }} />
    </Suspense>
  );
}
