"use client";

import type { IterationView } from "@/lib/schemas/run";
import { evenTicks, iterationTicks, linePath, metricScales, type ChartFrame } from "@/lib/viewer/chart-scales";

const frame: ChartFrame = { width: 480, height: 200, margin: { top: 12, right: 16, bottom: 30, left: 36 } };

const series = [
  { key: "sgIoU", label: "SG-IoU", color: "#1d4ed8", dash: undefined },
  { key: "entityIoU", label: "Entity-IoU", color: "#15803d", dash: "6 3" },
  { key: "relationIoU", label: "Relation-IoU", color: "#b45309", dash: "2 3" },
] as const;

/** SG-IoU, Entity-IoU and Relation-IoU over the iterations, in plain SVG; a click on an iteration selects it. */
export function MetricsChart({ iterations, selected, onSelect }: { iterations: IterationView[]; selected: number; onSelect: (index: number) => void }) {
  const count = iterations.length;
  const { x, y } = metricScales(frame, count);
  const bottom = frame.height - frame.margin.bottom;
  return (
    <figure className="flex flex-col gap-2" data-testid="metrics-chart">
      <svg viewBox={`0 0 ${frame.width} ${frame.height}`} className="w-full" role="img" aria-labelledby="metrics-chart-title">
        <title id="metrics-chart-title">{`Metrics over ${count} iterations (table below)`}</title>
        {evenTicks(0, 1, 4).map((tick) => (
          <g key={tick}>
            <line x1={frame.margin.left} x2={frame.width - frame.margin.right} y1={y(tick)} y2={y(tick)} stroke="#e2e8f0" />
            <text x={frame.margin.left - 6} y={y(tick)} textAnchor="end" dominantBaseline="middle" fontSize={11} fill="#334155">
              {tick.toFixed(2)}
            </text>
          </g>
        ))}
        {iterationTicks(count).map((tick) => (
          <text key={tick} x={x(tick)} y={bottom + 16} textAnchor="middle" fontSize={11} fill="#334155">
            {tick}
          </text>
        ))}
        <text x={(frame.margin.left + frame.width - frame.margin.right) / 2} y={frame.height - 2} textAnchor="middle" fontSize={11} fill="#334155">
          iteration
        </text>
        {count > 0 ? <line x1={x(selected)} x2={x(selected)} y1={frame.margin.top} y2={bottom} stroke="#93c5fd" strokeWidth={2} /> : null}
        {series.map((metric) => (
          <g key={metric.key}>
            <path d={linePath(iterations.map((iteration) => ({ x: x(iteration.index), y: y(iteration.metrics[metric.key]) })))} fill="none" stroke={metric.color} strokeWidth={2} strokeDasharray={metric.dash} />
            {iterations.map((iteration) => (
              <circle key={iteration.index} cx={x(iteration.index)} cy={y(iteration.metrics[metric.key])} r={iteration.index === selected ? 4.5 : 3} fill={metric.color} />
            ))}
          </g>
        ))}
        {iterations.map((iteration) => (
          <rect
            key={iteration.index}
            x={x(iteration.index) - 8}
            y={frame.margin.top}
            width={16}
            height={bottom - frame.margin.top}
            fill="transparent"
            className="cursor-pointer"
            onClick={() => onSelect(iteration.index)}
          >
            <title>{`Iteration ${iteration.index}`}</title>
          </rect>
        ))}
      </svg>
      <figcaption className="flex flex-wrap gap-4 text-xs text-slate-700">
        {series.map((metric) => (
          <span key={metric.key} className="inline-flex items-center gap-1">
            <svg width="22" height="6" aria-hidden>
              <line x1="0" x2="22" y1="3" y2="3" stroke={metric.color} strokeWidth="2" strokeDasharray={metric.dash} />
            </svg>
            {metric.label}
          </span>
        ))}
      </figcaption>
      <details className="text-xs">
        <summary className="cursor-pointer text-slate-700">Metrics as a table</summary>
        <table className="mt-1 font-mono">
          <thead>
            <tr>
              <th scope="col" className="pr-3 text-left">
                #
              </th>
              {series.map((metric) => (
                <th key={metric.key} scope="col" className="pr-3 text-left">
                  {metric.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {iterations.map((iteration) => (
              <tr key={iteration.index}>
                <td className="pr-3">{iteration.index}</td>
                {series.map((metric) => (
                  <td key={metric.key} className="pr-3">
                    {iteration.metrics[metric.key].toFixed(3)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
