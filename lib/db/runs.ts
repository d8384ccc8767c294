import "server-only";
import { randomBytes } from "node:crypto";
import { AppError } from "../errors";
import type { SceneGraph } from "../pipeline/scene-graph/schema";
import {
  runIdSchema,
  runListQuerySchema,
  shareTokenSchema,
  type RunDetail,
  type RunSettings,
  type RunStatus,
  type RunSummary,
} from "../schemas/run";
import type { z } from "zod";
import { db } from "./client";
import { summarySelect, toRunDetail, toRunSummary } from "./mappers";

/**
 * Runs as the pages and the JSON API see them: create, read, list, share. Server components may
 * call these directly; they return the contract types of lib/schemas/run.ts. Execution-side
 * writes (claiming, committing iterations, finishing) live in ./run-execution.ts.
 */

export interface CreateRunInput {
  /** The user's input as submitted (text prompt, or scene graph / LAION-SG record as JSON). */
  input: string;
  /** The text the Diffuser draws. */
  prompt: string;
  target: SceneGraph;
  settings: RunSettings;
}

/** Stores a queued run (one row, nothing else) and returns its id. */
export async function createRun(data: CreateRunInput): Promise<{ id: string }> {
  const row = await db().run.create({
    data: {
      input: data.input,
      prompt: data.prompt,
      promptSearch: data.prompt.toLowerCase(),
      target: data.target,
      settings: data.settings,
      status: "queued",
    },
    select: { id: true },
  });
  return row;
}

/** One run with its iterations, or null (also for a malformed id). */
export async function getRunDetail(id: string): Promise<RunDetail | null> {
  if (!runIdSchema.safeParse(id).success) return null;
  const row = await db().run.findUnique({ where: { id }, include: { iterations: { orderBy: { index: "asc" } } } });
  return row ? toRunDetail(row, row.iterations) : null;
}

export async function getRunDetailOrThrow(id: string): Promise<RunDetail> {
  const run = await getRunDetail(id);
  if (!run) throw new AppError("not_found:run", `no run with id "${id}"`);
  return run;
}

/** The run's summary (status, best so far), or null. */
export async function getRunSummary(id: string): Promise<RunSummary | null> {
  if (!runIdSchema.safeParse(id).success) return null;
  const row = await db().run.findUnique({ where: { id }, select: summarySelect });
  return row ? toRunSummary(row) : null;
}

export async function getRunStatus(id: string): Promise<RunStatus | null> {
  return (await getRunSummary(id))?.status ?? null;
}

export type RunListQuery = z.input<typeof runListQuerySchema>;
export interface RunList {
  runs: RunSummary[];
  total: number;
  page: number;
  pageSize: number;
}

/** Newest first; `query` matches anywhere in the prompt, case-insensitively. */
export async function listRuns(query: RunListQuery = {}): Promise<RunList> {
  const { query: text, page, pageSize } = runListQuerySchema.parse(query);
  const where = searchWhere(text);
  const client = db();
  const [rows, total] = await client.$transaction([
    client.run.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: summarySelect,
    }),
    client.run.count({ where }),
  ]);
  return { runs: rows.map(toRunSummary), total, page, pageSize };
}

/**
 * `contains` becomes LIKE, and Prisma does not escape LIKE's wildcards on SQLite: the query is cut
 * at `%`, `_` and `\` and every fragment must appear (a slightly looser match, never a wildcard).
 */
function searchWhere(text: string | undefined) {
  const fragments = (text ?? "").toLowerCase().split(/[%_\\]+/).filter((fragment) => fragment.trim().length > 0);
  if (fragments.length === 0) return text ? { id: "" } : {};
  return { AND: fragments.map((fragment) => ({ promptSearch: { contains: fragment } })) };
}

/** A link with no expiry, or one still in the future at `now`. */
function liveShareWhere(now: Date) {
  return { OR: [{ shareExpiresAt: null }, { shareExpiresAt: { gt: now } }] };
}

/** The shared run behind a token, or null when the token is unknown, revoked, expired or malformed. */
export async function getRunByShareToken(token: string, now = new Date()): Promise<RunDetail | null> {
  if (!shareTokenSchema.safeParse(token).success) return null;
  const row = await db().run.findFirst({ where: { shareToken: token, ...liveShareWhere(now) }, include: { iterations: { orderBy: { index: "asc" } } } });
  if (!row) return null;
  const run = toRunDetail(row, row.iterations);
  // A link shares this run only: the ids of the runs it was forked from stay private.
  return run.lineage ? { ...run, lineage: { ...run.lineage, parentRunId: null, rootRunId: null } } : run;
}

export function shareUrl(token: string): string {
  return `/s/${token}`;
}

export interface ShareLink {
  token: string;
  url: string;
  /** ISO time the link stops working, or null: until revoked. */
  expiresAt: string | null;
}

function toShareLink(token: string, expiresAt: Date | null): ShareLink {
  return { token, url: shareUrl(token), expiresAt: expiresAt?.toISOString() ?? null };
}

/**
 * The run's share link (256 random bits), made on first use; sharing again returns the same link.
 * `expiresInDays` sets (or, on a live link, resets) when it stops working; omitted, a new link
 * never expires and a live one keeps its expiry. An expired link is replaced by a new token.
 */
export async function shareRun(id: string, options: { expiresInDays?: number } = {}, now = new Date()): Promise<ShareLink> {
  if (!runIdSchema.safeParse(id).success) throw new AppError("not_found:run", `no run with id "${id}"`);
  const client = db();
  const existing = await client.run.findUnique({ where: { id }, select: { shareToken: true, shareExpiresAt: true } });
  if (!existing) throw new AppError("not_found:run", `no run with id "${id}"`);
  const expiresAt = options.expiresInDays === undefined ? undefined : new Date(now.getTime() + options.expiresInDays * 24 * 60 * 60 * 1000);
  const live = existing.shareToken !== null && (existing.shareExpiresAt === null || existing.shareExpiresAt > now);
  if (live && expiresAt === undefined) return toShareLink(existing.shareToken!, existing.shareExpiresAt);
  const token = live ? existing.shareToken! : randomBytes(32).toString("base64url");
  // Compare-and-set on the token read above, so two concurrent shares cannot leave two different links.
  const { count } = await client.run.updateMany({
    where: { id, shareToken: existing.shareToken },
    data: { shareToken: token, sharedAt: live ? undefined : now, shareExpiresAt: expiresAt ?? null },
  });
  if (count === 0) return shareRun(id, options, now);
  return toShareLink(token, expiresAt ?? null);
}

/** Revokes the share link; the old token stops working at once. Idempotent. */
export async function revokeShare(id: string): Promise<void> {
  if (!runIdSchema.safeParse(id).success) throw new AppError("not_found:run", `no run with id "${id}"`);
  const { count } = await db().run.updateMany({ where: { id }, data: { shareToken: null, sharedAt: null, shareExpiresAt: null } });
  if (count === 0) throw new AppError("not_found:run", `no run with id "${id}"`);
}

/** The run's live share link (null when not shared, revoked or expired), for the owner's pages. */
export async function getShareLink(id: string, now = new Date()): Promise<ShareLink | null> {
  if (!runIdSchema.safeParse(id).success) return null;
  const row = await db().run.findFirst({ where: { id, shareToken: { not: null }, ...liveShareWhere(now) }, select: { shareToken: true, shareExpiresAt: true } });
  return row?.shareToken ? toShareLink(row.shareToken, row.shareExpiresAt) : null;
}
