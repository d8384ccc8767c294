/** Display formats shared by the viewer's components. */

export function formatIoU(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return value.toFixed(2);
}

export function formatDelta(value: number): string {
  if (Math.abs(value) < 0.005) return "±0.00";
  return `${value > 0 ? "+" : "−"}${Math.abs(value).toFixed(2)}`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "—";
  if (ms < 1) return "<1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Role durations in pipeline order (diffuser, checker, actor, editor, judge), then any others. */
export function orderedDurations(durations: Record<string, number>): [string, number][] {
  const order = ["diffuser", "actor", "editor", "checker", "judge"];
  return Object.entries(durations).sort(([a], [b]) => rank(a, order) - rank(b, order) || a.localeCompare(b));
}

function rank(role: string, order: string[]): number {
  const index = order.indexOf(role);
  return index === -1 ? order.length : index;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

/** An instruction without the "In a picture of …:" preamble the sim Actor puts before every edit. */
export function withoutSceneContext(instruction: string): string {
  return instruction.replace(/^\s*in a picture of [^:]+:\s*/i, "");
}
