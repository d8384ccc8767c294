import { handle, json } from "@/lib/api/http";
import { getRunByShareToken } from "@/lib/db/runs";
import { AppError } from "@/lib/errors";
import { shareTokenSchema } from "@/lib/schemas/run";

// GET /api/share/[token] - the shared run, read-only (404 when the token is unknown or revoked)
export async function GET(_request: Request, context: { params: Promise<{ token: string }> }): Promise<Response> {
  return handle(async () => {
    const { token } = await context.params;
    const run = shareTokenSchema.safeParse(token).success ? await getRunByShareToken(token) : null;
    if (!run) throw new AppError("not_found:share", "this share link does not exist, was revoked or has expired");
    return json(run);
  });
}
