"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { evaluationFormats, MAX_DATASET_BYTES } from "@/lib/schemas/evaluation";
import { createEvaluationAction } from "@/app/actions/writes";
import { runAction } from "@/lib/viewer/action-result";
import { evalQueries } from "@/lib/viewer/eval-queries";
import { findProfile, profileQueries, seedCaveat } from "@/lib/viewer/profile-queries";
import { RolePolicySelect } from "@/components/profiles/role-policy-select";
import { effectiveProfile, ProfileSelect } from "@/components/profiles/profile-select";

const formatLabels: Record<(typeof evaluationFormats)[number], string> = {
  "laion-sg": "LAION-SG (JSON array or JSONL)",
  geneval: "GenEval evaluation_metadata.jsonl",
  "t2i-compbench": "T2I-CompBench *_val.txt",
  dsg: "DSG-1k (CSV or JSONL)",
  text: "Plain text, one prompt a line",
};

const input = "rounded border border-slate-300 bg-white px-2 py-1";

/** Starts an evaluation by uploading a data-set file; checks the file before sending, shows the server's error inline. */
export function EvalUploadForm() {
  const id = useId();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [clientError, setClientError] = useState<string | null>(null);
  /** "" until the user picks one: the server's default profile then. */
  const [chosenProfile, setChosenProfile] = useState("");
  const [actorPolicy, setActorPolicy] = useState("");
  const [editorPolicy, setEditorPolicy] = useState("");
  const profiles = useQuery(profileQueries.list());
  const profile = effectiveProfile(chosenProfile, profiles.data);
  const seedNote = seedCaveat(findProfile(profiles.data, profile));
  const upload = useMutation({
    mutationFn: (form: FormData) => runAction(() => createEvaluationAction(form)),
    onSuccess: ({ id: evaluationId }) => {
      void queryClient.invalidateQueries({ queryKey: evalQueries.all() });
      router.push(`/evals/${encodeURIComponent(evaluationId)}`);
    },
  });
  const error = clientError ?? upload.error?.message ?? null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get("file");
    const problem =
      !(file instanceof File) || file.size === 0 && file.name === ""
        ? "Choose a data set file."
        : file.size === 0
          ? "The file is empty."
          : file.size > MAX_DATASET_BYTES
            ? `The file is larger than ${MAX_DATASET_BYTES / 1024 / 1024} MB.`
            : null;
    setClientError(problem);
    if (problem) return;
    upload.mutate(form);
  }

  return (
    <form onSubmit={submit} onChange={() => (setClientError(null), upload.reset())} noValidate aria-labelledby={`${id}-title`} className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        New evaluation
      </h2>
      <div className="grid grid-cols-1 gap-3 md:grid-cols-3">
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-800">
          Data set file (at most {MAX_DATASET_BYTES / 1024 / 1024} MB)
          <input type="file" name="file" data-testid="eval-file" accept=".json,.jsonl,.txt,.csv" className="text-sm font-normal" />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-800">
          Format
          <select name="format" data-testid="eval-format" defaultValue="geneval" className={input}>
            {evaluationFormats.map((format) => (
              <option key={format} value={format}>
                {formatLabels[format]}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-800">
          Name (default: the file name)
          <input type="text" name="name" data-testid="eval-name" maxLength={200} className={input} />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-800">
          Limit (items; empty = all)
          <input type="number" name="limit" min={1} max={1000} className={input} />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-800">
          Sample seed (random sample of the limit)
          <input type="number" name="sampleSeed" min={0} className={input} />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-800">
          Seed
          <input type="number" name="settings.seed" min={0} defaultValue={1} className={input} />
          {seedNote ? (
            <span data-testid="seed-note" className="text-xs font-normal text-amber-800">
              {seedNote}
            </span>
          ) : null}
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-800">
          Max iterations
          <input type="number" name="settings.maxIterations" data-testid="eval-max-iterations" min={1} max={20} defaultValue={6} className={input} />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-800">
          Patience
          <input type="number" name="settings.patience" min={1} max={20} defaultValue={3} className={input} />
        </label>
        <label className="flex items-center gap-2 self-end text-sm text-slate-800">
          <input type="checkbox" name="lenient" /> Lenient (skip bad lines)
        </label>
      </div>
      <ProfileSelect name="settings.profile" value={profile} onChange={setChosenProfile} />
      <RolePolicySelect role="actor" name="settings.actorPolicy" value={actorPolicy} onChange={setActorPolicy} list={profiles.data} profile={profile} />
      <RolePolicySelect role="editor" name="settings.editorPolicy" value={editorPolicy} onChange={setEditorPolicy} list={profiles.data} profile={profile} />
      {error ? (
        <p role="alert" data-testid="eval-error" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <div>
        <button type="submit" data-testid="eval-submit" disabled={upload.isPending} className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-60">
          {upload.isPending ? "Uploading…" : "Start evaluation"}
        </button>
      </div>
    </form>
  );
}
