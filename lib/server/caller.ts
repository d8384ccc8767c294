import "server-only";
import { headers } from "next/headers";
import { AppError } from "../errors";
import { decideAccess } from "./access-guard";
import { serverAccess } from "./config";

/**
 * A server action's own check of its caller, by the same rules the server applies before Next.js
 * sees the request (access-guard.ts): with RIG_AUTH_TOKEN set, a bearer token or a session, and an
 * Origin of this host. It matters when the app is served without bin/server.ts in front.
 */
export async function assertCaller(): Promise<void> {
  const access = serverAccess();
  const incoming = await headers();
  const decision = await decideAccess(
    { method: "POST", url: "/server-action", headers: { ...Object.fromEntries(incoming.entries()), "next-action": incoming.get("next-action") ?? "server-action" } },
    access.authToken,
    access.trustProxy,
  );
  if (decision.action === "respond") {
    const code = decision.status === 401 ? "unauthorized:caller" : "forbidden:origin";
    throw new AppError(code, decision.status === 401 ? "sign in first: this server needs access" : "this action must come from this site's pages");
  }
}
