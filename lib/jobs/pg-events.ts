import "server-only";
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { RunStreamEvent } from "../schemas/run";
import { publishRunEvent, publishRunHint, setRemoteRunEvents } from "./event-bus";

/**
 * Live run events across processes on PostgreSQL: a worker on any host sends each event it
 * publishes as a NOTIFY on channel `rig_run_events`; every process LISTENs and republishes what
 * others sent on its in-process bus, so a viewer connected to the web app sees a run live
 * whichever worker executes it. An event too large for a notification (an iteration with its
 * scene graphs) travels as a hint, and the viewer's stream reads the iteration from the database.
 */
const CHANNEL = "rig_run_events";
/** PostgreSQL's payload limit is 8000 bytes. */
const MAX_PAYLOAD = 7000;

export async function startPgRunEvents(connectionString: string, log: (message: string) => void = console.error): Promise<() => Promise<void>> {
  const origin = randomUUID();
  const listener = new pg.Client({ connectionString });
  await listener.connect();
  await listener.query(`LISTEN ${CHANNEL}`);
  listener.on("notification", (message) => {
    if (!message.payload) return;
    try {
      const note = JSON.parse(message.payload) as { origin: string; runId: string; event?: RunStreamEvent };
      if (note.origin === origin) return;
      if (note.event) publishRunEvent(note.runId, note.event, { local: true });
      else publishRunHint(note.runId);
    } catch {
      // Not one of ours.
    }
  });
  listener.on("error", (error) => log(`[rig events] LISTEN connection: ${error.message}`));

  const sender = new pg.Pool({ connectionString, max: 2 });
  setRemoteRunEvents((runId, event) => {
    let payload = JSON.stringify({ origin, runId, event });
    if (payload.length > MAX_PAYLOAD) payload = JSON.stringify({ origin, runId });
    sender.query("SELECT pg_notify($1, $2)", [CHANNEL, payload]).catch((error: Error) => log(`[rig events] NOTIFY: ${error.message}`));
  });
  return async () => {
    setRemoteRunEvents(undefined);
    await listener.end().catch(() => {});
    await sender.end().catch(() => {});
  };
}
