/**
 * Next.js calls `register` once when a server starts. In the Node.js runtime it starts the run
 * worker of this process (lib/jobs/runtime.ts): runs left "running" by a previous process are
 * marked interrupted and resumed, queued runs are executed. Not awaited beyond start-up, so the
 * server accepts requests at once. Set RIG_WORKER=off to serve pages without executing runs.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startRunWorker } = await import("./lib/jobs/runtime");
  startRunWorker().catch((error: unknown) => {
    console.error(`[rig worker] could not start: ${error instanceof Error ? error.message : String(error)}`);
  });
}
