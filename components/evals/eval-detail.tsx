"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { RunStatusBadge } from "@/components/status-badge";
import { describeGrading, type EvaluationSummary } from "@/lib/pipeline/evaluation/summary";
import { formatDateTime, formatDelta, formatIoU, formatMs } from "@/lib/viewer/format";
import { cancelEvaluationAction } from "@/app/actions/writes";
import { runAction } from "@/lib/viewer/action-result";
import { evalQueries, isEvaluationLive } from "@/lib/viewer/eval-queries";
import { gainHistogram } from "@/lib/viewer/eval-stats";
import { RunBackends } from "@/components/viewer/run-backends";
import { GainHistogram, SgIoUCurve } from "./eval-charts";
import { EvalItemsTable } from "./eval-items-table";

const card = "flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm";

/** One evaluation: live progress, the one-shot vs loop summary, charts, breakdowns, items, worst cases, exports. */
export function EvalDetail({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const detail = useQuery({ ...evalQueries.detail(id), refetchInterval: (query) => (!query.state.data || isEvaluationLive(query.state.data.evaluation.status) ? 1_000 : false) });
  const cancel = useMutation({ mutationFn: () => runAction(() => cancelEvaluationAction(id)), onSettled: () => queryClient.invalidateQueries({ queryKey: evalQueries.all() }) });

  if (detail.isError) {
    return (
      <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
        Could not load the evaluation: {detail.error.message}
      </p>
    );
  }
  if (!detail.data) return <p className="text-sm text-slate-600">Loading the evaluation…</p>;
  const { evaluation, backends, progress, summary, items } = detail.data;
  const live = isEvaluationLive(evaluation.status);
  const finished = progress.total - progress.pending;
  const settings = evaluation.settings;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{evaluation.name}</h1>
          <p className="text-sm text-slate-700">
            {evaluation.format}
            {evaluation.fileName ? ` · ${evaluation.fileName}` : ""} · seed {settings.seed} · max {settings.maxIterations} iterations · patience{" "}
            {settings.patience} · target SG-IoU {settings.targetSgIoU} · created {formatDateTime(evaluation.createdAt)}
          </p>
          <RunBackends profile={settings.profile} backends={backends} />
        </div>
        <div className="flex items-center gap-3">
          <span data-testid="eval-status">
            <RunStatusBadge status={evaluation.status} />
          </span>
          <a href={`/api/evals/${id}/export?format=csv`} className="text-sm text-blue-700 hover:underline" data-testid="export-csv">
            Export CSV
          </a>
          <a href={`/api/evals/${id}/export?format=json`} className="text-sm text-blue-700 hover:underline" data-testid="export-json">
            Export JSON
          </a>
          {live ? (
            <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending} className="rounded border border-red-300 px-3 py-1 text-sm text-red-800 hover:bg-red-50 disabled:opacity-60" data-testid="eval-cancel">
              {cancel.isPending ? "Cancelling…" : "Cancel"}
            </button>
          ) : null}
        </div>
      </div>
      {cancel.error ? <p role="alert" className="text-sm text-red-800">{cancel.error.message}</p> : null}
      {evaluation.error ? <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">{evaluation.error}</p> : null}

      <section className={card} aria-labelledby="eval-progress-title">
        <h2 id="eval-progress-title" className="font-semibold">Progress</h2>
        <progress max={progress.total} value={finished} className="h-2 w-full" aria-label="items finished" />
        <p data-testid="eval-progress" className="text-sm text-slate-800" aria-live="polite">
          {finished}/{progress.total} items finished ({progress.done} done, {progress.failed} failed, {progress.cancelled} cancelled)
          {progress.itemsPerSecond !== null ? ` · ${progress.itemsPerSecond.toFixed(2)} items/s` : ""}
          {progress.etaMs !== null ? ` · about ${formatMs(progress.etaMs)} left` : ""}
        </p>
        {evaluation.skipped.length > 0 ? (
          <details className="text-sm">
            <summary className="cursor-pointer">{evaluation.skipped.length} line(s) skipped by the lenient import</summary>
            <ul className="mt-1 list-disc pl-5">
              {evaluation.skipped.map((line) => (
                <li key={line.line}>
                  line {line.line}: {line.reason}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </section>

      {summary ? <SummarySections summary={summary} results={items.flatMap((item) => (item.result ? [item.result] : []))} /> : <p className="text-sm text-slate-600">The summary appears when the first item is done.</p>}

      <section className={card} aria-labelledby="eval-items-title">
        <h2 id="eval-items-title" className="font-semibold">Items</h2>
        <EvalItemsTable items={items} />
      </section>
    </div>
  );
}

function SummarySections({ summary, results }: { summary: EvaluationSummary; results: Parameters<typeof gainHistogram>[0] }) {
  const metrics = [
    { key: "sgIoU", label: "SG-IoU" },
    { key: "entityIoU", label: "Entity-IoU" },
    { key: "relationIoU", label: "Relation-IoU" },
  ] as const;
  return (
    <>
      <section className={card} aria-labelledby="eval-summary-title" data-testid="eval-summary">
        <h2 id="eval-summary-title" className="font-semibold">
          One-shot vs loop ({summary.count} items{summary.failed ? `, ${summary.failed} failed` : ""}, {summary.meanIterations.toFixed(2)} iterations on average)
        </h2>
        <p className="text-sm text-slate-700" data-testid="eval-graded-by">
          Figures: {describeGrading(summary)}.
        </p>
        <table className="text-left text-sm">
          <thead className="text-slate-700">
            <tr>
              <th scope="col" className="pr-4">Metric</th>
              <th scope="col" className="pr-4">One-shot</th>
              <th scope="col" className="pr-4">Loop</th>
              <th scope="col" className="pr-4">Difference [95 % bootstrap interval]</th>
            </tr>
          </thead>
          <tbody className="font-mono">
            {metrics.map((metric) => (
              <tr key={metric.key} data-testid={`summary-${metric.key}`}>
                <th scope="row" className="pr-4 font-sans font-medium">{metric.label}</th>
                <td className="pr-4">{formatIoU(summary.oneShot[metric.key])}</td>
                <td className="pr-4">{formatIoU(summary.loop[metric.key])}</td>
                <td className="pr-4">
                  {formatDelta(summary.difference[metric.key].mean)} [{formatDelta(summary.difference[metric.key].low)}, {formatDelta(summary.difference[metric.key].high)}]
                </td>
              </tr>
            ))}
            <tr>
              <th scope="row" className="pr-4 font-sans font-medium">Judge (1-10)</th>
              <td className="pr-4">{summary.oneShot.judge?.toFixed(2) ?? "—"}</td>
              <td className="pr-4">{summary.loop.judge?.toFixed(2) ?? "—"}</td>
              <td className="pr-4">{summary.difference.judge ? `${summary.difference.judge.mean.toFixed(2)} [${summary.difference.judge.low.toFixed(2)}, ${summary.difference.judge.high.toFixed(2)}]` : "—"}</td>
            </tr>
            {summary.testIou ? (
              <tr data-testid="summary-test-iou">
                <th scope="row" className="pr-4 font-sans font-medium">LAION-SG test_iou SG / Entity / Relation</th>
                <td className="pr-4">{[summary.testIou.oneShot.sgIoU, summary.testIou.oneShot.entityIoU, summary.testIou.oneShot.relationIoU].map(formatIoU).join(" / ")}</td>
                <td className="pr-4">{[summary.testIou.loop.sgIoU, summary.testIou.loop.entityIoU, summary.testIou.loop.relationIoU].map(formatIoU).join(" / ")}</td>
                <td className="pr-4" />
              </tr>
            ) : null}
            {summary.checkerReported && summary.checkerGap ? (
              <tr data-testid="summary-checker">
                <th scope="row" className="pr-4 font-sans font-medium">SG-IoU by the loop&apos;s own Checker (not a score)</th>
                <td className="pr-4">{formatIoU(summary.checkerReported.oneShot.sgIoU)}</td>
                <td className="pr-4">{formatIoU(summary.checkerReported.loop.sgIoU)}</td>
                <td className="pr-4">
                  Checker − Scorer on the loop: {formatDelta(summary.checkerGap.mean)} [{formatDelta(summary.checkerGap.low)}, {formatDelta(summary.checkerGap.high)}]
                </td>
              </tr>
            ) : null}
            {summary.t2iCompBench ? (
              <tr data-testid="summary-t2i-compbench">
                <th scope="row" className="pr-4 font-sans font-medium">T2I-CompBench spatial ({summary.t2iCompBench.count})</th>
                <td className="pr-4">{formatIoU(summary.t2iCompBench.oneShot)}</td>
                <td className="pr-4">{formatIoU(summary.t2iCompBench.loop)}</td>
                <td className="pr-4">{formatDelta(summary.t2iCompBench.loop - summary.t2iCompBench.oneShot)}</td>
              </tr>
            ) : null}
            {summary.genevalPosition ? (
              <tr>
                <th scope="row" className="pr-4 font-sans font-medium">GenEval position ({summary.genevalPosition.count})</th>
                <td className="pr-4">{(summary.genevalPosition.oneShot * 100).toFixed(0)} %</td>
                <td className="pr-4">{(summary.genevalPosition.loop * 100).toFixed(0)} %</td>
                <td className="pr-4" />
              </tr>
            ) : null}
          </tbody>
        </table>
        <p className="text-xs text-slate-700">
          Mean time per item: {formatMs(summary.meanTimeMs.total)} (diffuser {formatMs(summary.meanTimeMs.diffuser)}, checker {formatMs(summary.meanTimeMs.checker)}, actor{" "}
          {formatMs(summary.meanTimeMs.actor)}, editor {formatMs(summary.meanTimeMs.editor)}, judge {formatMs(summary.meanTimeMs.judge)}, scorer {formatMs(summary.meanTimeMs.scorer)})
        </p>
      </section>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <section className={card} aria-labelledby="eval-curve-heading">
          <h2 id="eval-curve-heading" className="font-semibold">Mean SG-IoU over iterations (the Checker&apos;s reading)</h2>
          <SgIoUCurve points={summary.perIteration} />
        </section>
        <section className={card} aria-labelledby="eval-gains-heading">
          <h2 id="eval-gains-heading" className="font-semibold">Distribution of gains</h2>
          <GainHistogram bins={gainHistogram(results)} />
        </section>
      </div>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <Breakdown title="By relation class" rows={summary.byRelationClass} testId="breakdown-relation" />
        <Breakdown title="By number of objects" rows={summary.byObjectCount} testId="breakdown-objects" />
        {summary.byTag.length ? <Breakdown title="By GenEval tag" rows={summary.byTag} testId="breakdown-tag" /> : null}
      </div>

      <section className={card} aria-labelledby="eval-worst-title">
        <h2 id="eval-worst-title" className="font-semibold">Worst cases (lowest loop SG-IoU)</h2>
        <ol data-testid="eval-worst" className="list-decimal pl-5 text-sm">
          {summary.worst.map((item) => (
            <li key={item.id}>
              {item.prompt} — one-shot {formatIoU(item.oneShotSgIoU)}, loop {formatIoU(item.loopSgIoU)}, {item.iterations} iteration(s)
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

function Breakdown({ title, rows, testId }: { title: string; rows: EvaluationSummary["byRelationClass"]; testId: string }) {
  return (
    <section className={card} data-testid={testId}>
      <h2 className="font-semibold">{title}</h2>
      <table className="text-left text-sm">
        <thead className="text-slate-700">
          <tr>
            <th scope="col" className="pr-3">Category</th>
            <th scope="col" className="pr-3">Items</th>
            <th scope="col" className="pr-3">One-shot</th>
            <th scope="col" className="pr-3">Loop</th>
          </tr>
        </thead>
        <tbody className="font-mono">
          {rows.map((row) => (
            <tr key={row.category}>
              <td className="pr-3 font-sans">{row.category}</td>
              <td className="pr-3">{row.count}</td>
              <td className="pr-3">{formatIoU(row.oneShotSgIoU)}</td>
              <td className="pr-3">{formatIoU(row.loopSgIoU)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
