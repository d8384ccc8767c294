import type { Metadata } from "next";
import { EvalList } from "@/components/evals/eval-list";
import { EvalUploadForm } from "@/components/evals/eval-upload-form";

export const metadata: Metadata = { title: "Evaluations" };

export default function EvaluationsPage() {
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Evaluations</h1>
        <p className="mt-1 max-w-3xl text-slate-700">
          Upload a data set (LAION-SG, GenEval, T2I-CompBench, DSG or plain prompts): every item runs through the loop as a normal run, and the evaluation compares the
          one-shot image (iteration 0) with the loop&apos;s best.
        </p>
      </div>
      <EvalUploadForm />
      <EvalList />
    </div>
  );
}
