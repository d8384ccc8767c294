import { handle, json } from "@/lib/api/http";
import { listProfiles } from "@/lib/jobs/profiles";

export const dynamic = "force-dynamic";

// GET /api/profiles - the back-end profiles a run can use: per role its kind, model and capabilities (never URLs or keys); a broken config lists "sim" and says why
export async function GET(): Promise<Response> {
  return handle(async () => json(await listProfiles()));
}
