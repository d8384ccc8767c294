"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { runStreamEventSchema } from "@/lib/schemas/run";
import { runEventsUrl, runQueries } from "@/lib/viewer/run-queries";
import { applyRunStreamEvent, type LiveRunDetail } from "@/lib/viewer/run-stream";

export type StreamState = "idle" | "connecting" | "open" | "error";

const eventNames = ["snapshot", "backends", "iteration", "progress", "status"] as const;

/**
 * Subscribes to GET /api/runs/[id]/events while `enabled` and folds every event into the run's
 * react-query cache entry. The cache stays the only copy of the run: no state mirrors it.
 * Reports the connection state so the caller can fall back to polling when the stream fails.
 */
export function useRunEvents(runId: string, enabled: boolean, setState: (state: StreamState) => void): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    const queryKey = runQueries.detail(runId).queryKey;
    const source = new EventSource(runEventsUrl(runId));
    setState("connecting");

    const onEvent = (message: MessageEvent<string>) => {
      let data: unknown;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      const parsed = runStreamEventSchema.safeParse(data);
      if (!parsed.success) return;
      queryClient.setQueryData<LiveRunDetail>(queryKey, (current) => applyRunStreamEvent(current, parsed.data));
    };
    for (const name of eventNames) source.addEventListener(name, onEvent);
    source.onmessage = onEvent;
    source.onopen = () => setState("open");
    source.onerror = () => setState("error");

    return () => {
      source.close();
      setState("idle");
    };
  }, [enabled, queryClient, runId, setState]);
}
