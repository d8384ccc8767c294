/**
 * `npm start` / `npm run dev`: rl-rig's web server (lib/server/http-server.ts). Listens on
 * loopback unless RIG_HOST says otherwise, and refuses a non-loopback address without
 * RIG_AUTH_TOKEN. `--dev` runs Next.js in development mode.
 */
import { exposureProblem, isLoopbackHost, serverAccess } from "../lib/server/config";

async function main(): Promise<void> {
  const dev = process.argv.includes("--dev");
  // As `next start` and `next dev` do; React and Next pick their builds from it when first loaded.
  Object.assign(process.env, { NODE_ENV: process.env.NODE_ENV ?? (dev ? "development" : "production") });
  const { createRigServer } = await import("../lib/server/http-server");
  const access = serverAccess();
  const problem = exposureProblem(access);
  if (problem) {
    console.error(`rig server: ${problem}`);
    process.exit(1);
  }
  const server = await createRigServer(access, { dev });
  server.on("error", (error) => {
    console.error(`rig server: cannot listen on ${access.host}:${access.port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(access.port, access.host, () => {
    const shown = access.host.includes(":") ? `[${access.host}]` : access.host;
    const control = access.authToken ? "access control on (RIG_AUTH_TOKEN)" : "no access control: loopback only";
    console.log(`rl-rig listening on http://${shown}:${access.port} (${dev ? "development" : "production"}; ${control})`);
    if (!isLoopbackHost(access.host)) console.log("rig server: reachable from other machines; sign in at /signin with the token");
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      // Event streams never end by themselves; runs cut short resume when the server starts again.
      server.close(() => process.exit(0));
      server.closeAllConnections();
    });
  }
}

main().catch((error: unknown) => {
  console.error(`rig server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
