"use client";

import { useSearchParams } from "next/navigation";
import { useCallback } from "react";
import { parseIterationParam } from "@/lib/viewer/timeline";

/**
 * The iteration `?i=N` names, and a setter that rewrites the URL in place (no navigation, no
 * history entry per step), so every view of an iteration is a deep link.
 */
export function useIterationParam(): [number | null, (index: number) => void] {
  const searchParams = useSearchParams();
  const requested = parseIterationParam(searchParams.get("i"));
  const select = useCallback((index: number) => {
    const url = new URL(window.location.href);
    url.searchParams.set("i", String(index));
    window.history.replaceState(null, "", url);
  }, []);
  return [requested, select];
}
