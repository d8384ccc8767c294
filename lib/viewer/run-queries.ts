import { z } from "zod";
import {
  runDetailSchema,
  runListResponseSchema,
  rolloutGroupsResponseSchema,
  runTreeSchema,
  type RunDetail,
} from "../schemas/run";
import { fetchApi } from "./api-client";

/**
 * Query keys and fetchers for the JSON API, in one factory (react-query's advice); the pages'
 * writes are server actions (app/actions/writes.ts).
 * Every response is parsed with the contract's zod schemas; every error body becomes an ApiError
 * whose message is the server's exposed message.
 */

async function request<T>(schema: z.ZodType<T>, url: string, init: RequestInit = {}, fetchImpl: typeof fetch = fetch): Promise<T> {
  return schema.parse(await fetchApi(url, init, fetchImpl));
}

export interface RunListParams {
  query: string;
  page: number;
  pageSize: number;
}

export const runQueries = {
  all: ["runs"] as const,
  lists: () => [...runQueries.all, "list"] as const,
  list: (params: RunListParams) => ({
    queryKey: [...runQueries.lists(), params] as const,
    queryFn: ({ signal }: { signal?: AbortSignal }) => {
      const search = new URLSearchParams({ page: String(params.page), pageSize: String(params.pageSize) });
      if (params.query.trim()) search.set("query", params.query.trim());
      return request(runListResponseSchema, `/api/runs?${search}`, { signal });
    },
  }),
  detail: (runId: string) => ({
    queryKey: [...runQueries.all, "detail", runId] as const,
    queryFn: ({ signal }: { signal?: AbortSignal }) => request(runDetailSchema, `/api/runs/${encodeURIComponent(runId)}`, { signal }),
  }),
  shared: (token: string) => ({
    queryKey: ["share", token] as const,
    queryFn: ({ signal }: { signal?: AbortSignal }) => request(runDetailSchema, `/api/share/${encodeURIComponent(token)}`, { signal }),
  }),
  share: (runId: string) => [...runQueries.all, "share", runId] as const,
  /** The tree of branches a run belongs to (any of its runs names the same tree). */
  tree: (runId: string) => ({
    queryKey: [...runQueries.all, "tree", runId] as const,
    queryFn: ({ signal }: { signal?: AbortSignal }) => request(runTreeSchema, `/api/runs/${encodeURIComponent(runId)}/tree`, { signal }),
  }),
  /** The rollout groups of the run's tree. */
  rollouts: (runId: string) => ({
    queryKey: [...runQueries.all, "rollouts", runId] as const,
    queryFn: ({ signal }: { signal?: AbortSignal }) => request(rolloutGroupsResponseSchema, `/api/runs/${encodeURIComponent(runId)}/rollouts`, { signal }),
  }),
};

export function runEventsUrl(runId: string): string {
  return `/api/runs/${encodeURIComponent(runId)}/events`;
}

export type { RunDetail };
