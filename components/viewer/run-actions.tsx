"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { RunDetail } from "@/lib/schemas/run";
import { cancelRunAction, revokeShareAction, shareRunAction } from "@/app/actions/writes";
import { runAction } from "@/lib/viewer/action-result";
import { runQueries } from "@/lib/viewer/run-queries";
import { formatDateTime } from "@/lib/viewer/format";
import { applyRunStreamEvent, isLive } from "@/lib/viewer/run-stream";
import { useOrigin } from "./use-origin";

/** The run's share link as a path (`/s/<token>`) and its expiry, or nulls; seeded by the server page, kept in the query cache. */
export interface ShareState {
  url: string | null;
  expiresAt: string | null;
}

/** Choices for a link's lifetime, in days; "" is until revoked. */
const SHARE_LIFETIMES = [
  { value: "", label: "never" },
  { value: "1", label: "in 1 day" },
  { value: "7", label: "in 7 days" },
  { value: "30", label: "in 30 days" },
] as const;

/**
 * The controls that change data, for the owner's viewer only: Cancel while the run is live,
 * Share (creates the read-only link and shows it) and Revoke. The shared viewer never renders this.
 */
export function RunActions({ run }: { run: RunDetail }) {
  const id = useId();
  const queryClient = useQueryClient();
  const detailKey = runQueries.detail(run.id).queryKey;
  const shareKey = runQueries.share(run.id);
  const origin = useOrigin();
  // The run detail does not carry the share link: the server page seeds it, the mutations update it.
  const share = useQuery<ShareState>({ queryKey: shareKey, queryFn: () => ({ url: null, expiresAt: null }), staleTime: Infinity, gcTime: Infinity });
  const [lifetime, setLifetime] = useState<string>("");

  const cancel = useMutation({
    mutationFn: () => runAction(() => cancelRunAction(run.id)),
    onSuccess: () => {
      queryClient.setQueryData<RunDetail>(detailKey, (current) => applyRunStreamEvent(current, { type: "status", status: "cancelled", error: null, stopReason: "cancelled" }));
      void queryClient.invalidateQueries({ queryKey: detailKey });
    },
  });
  const create = useMutation({
    mutationFn: () => runAction(() => shareRunAction(run.id, lifetime === "" ? {} : { expiresInDays: Number(lifetime) })),
    onSuccess: (response) => queryClient.setQueryData<ShareState>(shareKey, { url: response.url, expiresAt: response.expiresAt }),
  });
  const revoke = useMutation({
    mutationFn: () => runAction(() => revokeShareAction(run.id)),
    onSuccess: () => queryClient.setQueryData<ShareState>(shareKey, { url: null, expiresAt: null }),
  });

  const sharePath = share.data?.url ?? null;
  const shareUrl = sharePath === null ? null : origin ? new URL(sharePath, origin).toString() : sharePath;
  const error = cancel.error ?? create.error ?? revoke.error;

  return (
    <div className="flex flex-col gap-2" data-testid="run-actions">
      <div className="flex flex-wrap items-center gap-2">
        {isLive(run.status) ? (
          <button type="button" data-testid="cancel-run" onClick={() => cancel.mutate()} disabled={cancel.isPending} className="rounded border border-red-300 bg-white px-3 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50 disabled:opacity-60">
            {cancel.isPending ? "Cancelling…" : "Cancel run"}
          </button>
        ) : null}
        <button type="button" data-testid="share-run" onClick={() => create.mutate()} disabled={create.isPending} className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:opacity-60">
          {shareUrl ? "Share link" : create.isPending ? "Creating link…" : "Share"}
        </button>
        <label className="flex items-center gap-1 text-sm text-slate-800">
          Link expires
          <select data-testid="share-expiry" value={lifetime} onChange={(event) => setLifetime(event.target.value)} className="rounded border border-slate-300 bg-white px-1 py-1 text-sm">
            {SHARE_LIFETIMES.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        {shareUrl ? (
          <button type="button" data-testid="revoke-share" onClick={() => revoke.mutate()} disabled={revoke.isPending} className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:opacity-60">
            {revoke.isPending ? "Revoking…" : "Revoke link"}
          </button>
        ) : null}
      </div>
      {shareUrl ? (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <label htmlFor={`${id}-share`} className="font-medium text-slate-800">
            Read-only link
          </label>
          <input id={`${id}-share`} data-testid="share-url" readOnly value={shareUrl} onFocus={(event) => event.target.select()} className="min-w-0 flex-1 rounded border border-slate-300 bg-slate-50 px-2 py-1 font-mono text-xs" />
          <button type="button" onClick={() => void navigator.clipboard?.writeText(shareUrl)} className="rounded border border-slate-300 bg-white px-2 py-1 text-xs hover:bg-slate-100">
            Copy
          </button>
          <span data-testid="share-expires" className="text-slate-700">
            {share.data?.expiresAt ? `expires ${formatDateTime(share.data.expiresAt)}` : "until revoked"}
          </span>
        </div>
      ) : revoke.isSuccess ? (
        <p className="text-sm text-slate-700" role="status">
          The link was revoked; it no longer opens the run.
        </p>
      ) : null}
      {!isLive(run.status) && run.iterations.length > 1 ? (
        <p className="text-sm text-slate-700" data-testid="training-export">
          Actor training data (one row per edit):{" "}
          {(["verl", "trl", "openrlhf"] as const).map((format, index) => (
            <span key={format}>
              {index > 0 ? " · " : null}
              <a href={`/api/export?format=${format}&run=${encodeURIComponent(run.id)}`} download data-testid={`export-${format}`} className="text-blue-800 underline">
                {{ verl: "verl (Parquet)", trl: "TRL (JSONL)", openrlhf: "OpenRLHF (JSONL)" }[format]}
              </a>
            </span>
          ))}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          {error.message}
        </p>
      ) : null}
    </div>
  );
}
