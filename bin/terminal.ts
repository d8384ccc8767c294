import type { LoopEvent } from "../lib/pipeline/loop/events";

/**
 * A one-line progress bar on a terminal (stderr), redrawn as loop events arrive, e.g.
 * "[######------] iteration 2/6 · editor 12/30  best SG-IoU 0.250" while a role call reports
 * progress (ComfyUI's or A1111's sampling steps). Off when the stream is not a terminal, so pipes
 * and `--json` consumers get clean output.
 */
export function createProgress(stream: Pick<NodeJS.WriteStream, "isTTY" | "write">, maxIterations: number) {
  const enabled = Boolean(stream.isTTY);
  let best = 0;
  let index = 0;
  let phase = "starting";
  const draw = () => {
    if (!enabled) return;
    const width = 24;
    const filled = Math.round((Math.min(index + 1, maxIterations) / maxIterations) * width);
    stream.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] iteration ${index + 1}/${maxIterations} · ${phase}  best SG-IoU ${best.toFixed(3)}`.padEnd(80));
  };
  return {
    update(event: LoopEvent) {
      if (event.type === "iteration-start") {
        index = event.iteration;
        phase = index === 0 ? "generating" : "editing";
      } else if (event.type === "role-progress") {
        phase = `${event.role} ${event.done}/${event.total}`;
      } else if (event.type === "image-end") {
        phase = "checking";
      } else if (event.type === "check-end") {
        best = Math.max(best, event.metrics.sgIoU);
        phase = "checked";
      }
      draw();
    },
    done() {
      if (enabled) stream.write("\r" + " ".repeat(80) + "\r");
    },
  };
}
