import { z } from "zod";
import {
  runDetailSchema,
  runListResponseSchema,
  runTreeSchema,
  shareResponseSchema,
  type CreateRunRequest,
  type RunDetail,
} from "../schemas/run";
import { fetchApi } from "./api-client";

/**
 * Query keys, fetchers and mutations for the JSON API, in one factory (react-query's advice).
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

/** POST /api/runs answers with the new run (or at least its id). */
const createdRunSchema = z.union([
  z.object({ id: z.string() }).transform((body) => body.id),
  z.object({ run: z.object({ id: z.string() }) }).transform((body) => body.run.id),
]);

/** DELETE answers with anything, or nothing. */
const anySchema = z.unknown();

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
};

export function createRun(body: CreateRunRequest | { input: string; settings?: Partial<CreateRunRequest["settings"]> }, fetchImpl?: typeof fetch): Promise<string> {
  return request(createdRunSchema, "/api/runs", { method: "POST", body: JSON.stringify(body) }, fetchImpl);
}

export function cancelRun(runId: string, fetchImpl?: typeof fetch): Promise<unknown> {
  return request(anySchema, `/api/runs/${encodeURIComponent(runId)}/cancel`, { method: "POST" }, fetchImpl);
}

export function shareRun(runId: string, options: { expiresInDays?: number } = {}, fetchImpl?: typeof fetch): Promise<z.infer<typeof shareResponseSchema>> {
  return request(shareResponseSchema, `/api/runs/${encodeURIComponent(runId)}/share`, { method: "POST", body: JSON.stringify(options) }, fetchImpl);
}

export function revokeShare(runId: string, fetchImpl?: typeof fetch): Promise<unknown> {
  return request(anySchema, `/api/runs/${encodeURIComponent(runId)}/share`, { method: "DELETE" }, fetchImpl);
}

export function runEventsUrl(runId: string): string {
  return `/api/runs/${encodeURIComponent(runId)}/events`;
}

export type { RunDetail };
