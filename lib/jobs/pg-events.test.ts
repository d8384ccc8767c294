import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createRun } from "../db/runs";
import { useTestDatabase } from "../db/test-support";
import { parseSceneGraphInput } from "../pipeline/scene-graph/parse-input";
import { runSettingsSchema, runStreamEventSchema } from "../schemas/run";
import { startPgRunEvents } from "./pg-events";
import { startRunQueue } from "./queue";
import { openRunEventStream } from "./run-stream";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** On PostgreSQL only (scripts/test-postgres.sh sets RIG_TEST_POSTGRES_URL). */
describe.runIf(process.env.RIG_TEST_POSTGRES_URL)("live events across processes", () => {
  const data = useTestDatabase();

  it("a viewer's stream in this process follows a run that a `rig worker` process executes, iteration by iteration", async () => {
    const url = process.env.DATABASE_URL!;
    const stopEvents = await startPgRunEvents(url, () => {});
    const queue = await startRunQueue({ connectionString: url, localConcurrency: 1, log: () => {} });
    const worker = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "bin/rig.ts", "worker"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, RIG_DATA_DIR: data.dir() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        worker.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("taking runs") && resolve());
        worker.once("exit", (code) => reject(new Error(`rig worker exited with ${code}`)));
      });
      const prompt = "a cat inside a cup; a dog inside the cup";
      const { id } = await createRun({ input: prompt, prompt, target: parseSceneGraphInput(prompt), settings: runSettingsSchema.parse({ seed: 1, maxIterations: 4, patience: 4 }) });
      // The stream's own catch-up tick is an hour away: whatever arrives came over NOTIFY.
      const stream = await openRunEventStream(id, undefined, 3_600_000);
      await queue.sweep();
      const events: string[] = [];
      const decoder = new TextDecoder();
      const reader = stream.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const block of decoder.decode(value).split("\n\n")) {
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data) {
            const event = runStreamEventSchema.parse(JSON.parse(data));
            events.push(event.type === "iteration" ? `iteration ${event.iteration.index}` : event.type === "status" ? `status ${event.status}` : event.type);
          }
        }
      }
      expect(events[0]).toBe("snapshot");
      expect(events).toContain("status running");
      expect(events.filter((event) => event.startsWith("iteration"))).toEqual(["iteration 0", "iteration 1", "iteration 2", "iteration 3"]);
      expect(events.at(-1)).toBe("status succeeded");
    } finally {
      worker.kill("SIGTERM");
      await new Promise((resolve) => worker.once("exit", resolve));
      await queue.stop();
      await stopEvents();
    }
  }, 90_000);
});
