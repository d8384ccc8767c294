import { handle, json, parseOrThrow, readJsonBody } from "@/lib/api/http";
import { AppError } from "@/lib/errors";
import { rewardBatch } from "@/lib/jobs/reward";
import { MAX_REWARD_BODY_BYTES, rewardModeSchema, rewardRequestSchema } from "@/lib/schemas/reward";
import { serverAccess } from "@/lib/server/config";
import { secretsEqual } from "@/lib/server/session";

// POST /api/reward[?profile=NAME][&mode=score|edit] {query, prompts, labels} - OpenRLHF remote reward: {rewards, scores, extra_logs}; Authorization: Bearer RIG_REWARD_TOKEN
export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const expected = serverAccess().rewardToken;
    if (!expected) throw new AppError("not_found:reward_service", "the reward service is off on this server: set RIG_REWARD_TOKEN to turn it on");
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    if (!bearer || !secretsEqual(bearer, expected)) throw new AppError("unauthorized:reward_token", "send Authorization: Bearer <RIG_REWARD_TOKEN>");
    const body = parseOrThrow(rewardRequestSchema, await readJsonBody(request, MAX_REWARD_BODY_BYTES), "body");
    const search = new URL(request.url).searchParams;
    const mode = parseOrThrow(rewardModeSchema, search.get("mode") ?? "score", "mode");
    return json(await rewardBatch(body, { profile: search.get("profile") ?? undefined, mode }, request.signal));
  });
}
