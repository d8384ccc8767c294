import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { EvalDetail } from "@/components/evals/eval-detail";
import { getEvaluation } from "@/lib/db/evaluations";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const evaluation = await getEvaluation((await params).id);
  return { title: evaluation ? `Evaluation: ${evaluation.name}` : "Evaluation not found" };
}

export default async function EvaluationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!(await getEvaluation(id))) notFound();
  return <EvalDetail id={id} />;
}
