import { evenTicks, iterationTicks, linePath, linearScale, metricScales, type ChartFrame } from "@/lib/viewer/chart-scales";
import type { HistogramBin } from "@/lib/viewer/eval-stats";

const frame: ChartFrame = { width: 480, height: 200, margin: { top: 12, right: 16, bottom: 30, left: 36 } };
const axisText = { fontSize: 11, fill: "#334155" } as const;

/** Mean best-so-far SG-IoU over iterations (index 0 = one-shot), plain SVG with a table fallback. */
export function SgIoUCurve({ points }: { points: Array<{ index: number; sgIoU: number }> }) {
  const { x, y } = metricScales(frame, points.length);
  const bottom = frame.height - frame.margin.bottom;
  return (
    <figure data-testid="eval-curve" className="flex flex-col gap-1">
      <svg viewBox={`0 0 ${frame.width} ${frame.height}`} className="w-full" role="img" aria-labelledby="eval-curve-title">
        <title id="eval-curve-title">{`Mean SG-IoU over ${points.length} iterations`}</title>
        {evenTicks(0, 1, 4).map((tick) => (
          <g key={tick}>
            <line x1={frame.margin.left} x2={frame.width - frame.margin.right} y1={y(tick)} y2={y(tick)} stroke="#e2e8f0" />
            <text x={frame.margin.left - 6} y={y(tick)} textAnchor="end" dominantBaseline="middle" {...axisText}>
              {tick.toFixed(2)}
            </text>
          </g>
        ))}
        {iterationTicks(points.length).map((tick) => (
          <text key={tick} x={x(tick)} y={bottom + 16} textAnchor="middle" {...axisText}>
            {tick}
          </text>
        ))}
        <text x={(frame.margin.left + frame.width - frame.margin.right) / 2} y={frame.height - 2} textAnchor="middle" {...axisText}>
          iteration (best so far)
        </text>
        <path d={linePath(points.map((point) => ({ x: x(point.index), y: y(point.sgIoU) })))} fill="none" stroke="#1d4ed8" strokeWidth={2} />
        {points.map((point) => (
          <circle key={point.index} cx={x(point.index)} cy={y(point.sgIoU)} r={3} fill="#1d4ed8">
            <title>{`iteration ${point.index}: ${point.sgIoU.toFixed(3)}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption className="text-xs text-slate-700">
        {points.map((point) => `${point.index}: ${point.sgIoU.toFixed(3)}`).join(" · ")}
      </figcaption>
    </figure>
  );
}

/** Histogram of per-item gains (loop - one-shot SG-IoU). */
export function GainHistogram({ bins }: { bins: HistogramBin[] }) {
  const max = Math.max(1, ...bins.map((bin) => bin.count));
  const x = linearScale([-1, 1], [frame.margin.left, frame.width - frame.margin.right]);
  const y = linearScale([0, max], [frame.height - frame.margin.bottom, frame.margin.top]);
  const bottom = frame.height - frame.margin.bottom;
  return (
    <figure data-testid="eval-histogram" className="flex flex-col gap-1">
      <svg viewBox={`0 0 ${frame.width} ${frame.height}`} className="w-full" role="img" aria-labelledby="eval-histogram-title">
        <title id="eval-histogram-title">Distribution of SG-IoU gains, loop minus one-shot</title>
        {evenTicks(0, max, Math.min(4, max)).map((tick) => (
          <g key={tick}>
            <line x1={frame.margin.left} x2={frame.width - frame.margin.right} y1={y(tick)} y2={y(tick)} stroke="#e2e8f0" />
            <text x={frame.margin.left - 6} y={y(tick)} textAnchor="end" dominantBaseline="middle" {...axisText}>
              {Number.isInteger(tick) ? tick : tick.toFixed(1)}
            </text>
          </g>
        ))}
        {bins.map((bin) => (
          <rect key={bin.low} x={x(bin.low) + 1} width={Math.max(0, x(bin.high) - x(bin.low) - 2)} y={y(bin.count)} height={bottom - y(bin.count)} fill={bin.low >= 0 ? "#15803d" : "#b91c1c"}>
            <title>{`${bin.low.toFixed(1)} to ${bin.high.toFixed(1)}: ${bin.count} item(s)`}</title>
          </rect>
        ))}
        {evenTicks(-1, 1, 4).map((tick) => (
          <text key={tick} x={x(tick)} y={bottom + 16} textAnchor="middle" {...axisText}>
            {tick > 0 ? `+${tick}` : tick}
          </text>
        ))}
        <text x={(frame.margin.left + frame.width - frame.margin.right) / 2} y={frame.height - 2} textAnchor="middle" {...axisText}>
          gain in SG-IoU
        </text>
      </svg>
    </figure>
  );
}
