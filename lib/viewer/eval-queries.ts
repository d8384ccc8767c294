import { queryOptions } from "@tanstack/react-query";
import type { EvaluationListRow } from "../schemas/evaluation";
import type { EvaluationDetail } from "../jobs/evaluations";
import { fetchApi } from "./api-client";

/**
 * Query keys and fetchers of the evaluation pages (GET /api/evals, GET /api/evals/[id]) and the
 * upload / cancel mutations. The bodies are our own server's; errors become ApiError with the
 * server's exposed message.
 */
export type { EvaluationDetail, EvaluationListRow };

const finished = new Set(["succeeded", "failed", "cancelled"]);
export const isEvaluationLive = (status: string) => !finished.has(status);

async function send<T>(url: string, init: RequestInit = {}): Promise<T> {
  return (await fetchApi(url, init)) as T;
}

export const evalQueries = {
  all: () => ["evals"] as const,
  list: () =>
    queryOptions({
      queryKey: [...evalQueries.all(), "list"] as const,
      queryFn: async () => (await send<{ evaluations: EvaluationListRow[] }>("/api/evals")).evaluations,
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: [...evalQueries.all(), "detail", id] as const,
      queryFn: () => send<EvaluationDetail>(`/api/evals/${encodeURIComponent(id)}`),
    }),
};
