import type { LoopEvent } from "../lib/pipeline/loop/events";

/**
 * A one-line progress bar on a terminal (stderr), redrawn as loop events arrive. Off when the
 * stream is not a terminal, so pipes and `--json` consumers get clean output.
 */
export function createProgress(stream: NodeJS.WriteStream, maxIterations: number) {
  const enabled = Boolean(stream.isTTY);
  let best = 0;
  let index = 0;
  let phase = "starting";
  const draw = () => {
    if (!enabled) return;
    const width = 24;
    const filled = Math.round((Math.min(index + 1, maxIterations) / maxIterations) * width);
    stream.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] iteration ${index + 1}/${maxIterations}  best SG-IoU ${best.toFixed(3)}  ${phase}`.padEnd(80));
  };
  return {
    update(event: LoopEvent) {
      if (event.type === "iteration-start") {
        index = event.iteration;
        phase = index === 0 ? "generating" : "editing";
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
