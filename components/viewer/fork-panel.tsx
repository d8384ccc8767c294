"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { forkRunAction, rolloutGroupAction } from "@/app/actions/writes";
import { runAction } from "@/lib/viewer/action-result";
import { RolePolicySelect, hasEmbeddedActor } from "@/components/profiles/role-policy-select";
import { effectiveProfile, ProfileSelect } from "@/components/profiles/profile-select";
import { tripleStatusSchema, type Critique, type TripleStatus } from "@/lib/pipeline/roles/types";
import { MAX_INSTRUCTION_CHARACTERS, MAX_RUN_ITERATIONS, type IterationView, type RunDetail } from "@/lib/schemas/run";
import { profileQueries } from "@/lib/viewer/profile-queries";
import { runQueries } from "@/lib/viewer/run-queries";

type Mode = "instruction" | "critique";

/**
 * "Fork here": continue from this iteration's image as a new branch, with the person's own
 * instruction for the next edit (the Actor is skipped) or with an edited critique the Actor reads
 * instead of the Checker's, and the branch's own budget, profile and policy.
 */
export function ForkPanel({ run, iteration }: { run: RunDetail; iteration: IterationView }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const room = MAX_RUN_ITERATIONS - (iteration.index + 1);
  if (room < 1) return <p className="text-xs text-slate-600">A run has at most {MAX_RUN_ITERATIONS} iterations: no branch fits after this one.</p>;
  return (
    <div className="flex flex-col gap-2" data-testid="fork-panel">
      <button
        type="button"
        data-testid="fork-button"
        aria-expanded={open}
        aria-controls={`${id}-form`}
        onClick={() => setOpen(!open)}
        className="self-start rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100"
      >
        {open ? "Close the fork" : `Fork here (from iteration ${iteration.index})`}
      </button>
      {open ? <ForkForm id={`${id}-form`} run={run} iteration={iteration} room={room} /> : null}
      <RolloutButton run={run} iteration={iteration} />
    </div>
  );
}

/**
 * Opens the Actor policy's most probable candidate edits of this iteration as sibling branches
 * (one edit each); the Branches panel then shows their probabilities, rewards and advantages.
 */
function RolloutButton({ run, iteration }: { run: RunDetail; iteration: IterationView }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [opened, setOpened] = useState<number | null>(null);
  const [pending, startTransition] = useTransition();
  function open() {
    setError(null);
    startTransition(async () => {
      try {
        const { branchIds } = await runAction(() => rolloutGroupAction(run.id, { iteration: iteration.index }));
        setOpened(branchIds.length);
        void queryClient.invalidateQueries({ queryKey: [...runQueries.all, "tree"] });
        void queryClient.invalidateQueries({ queryKey: [...runQueries.all, "rollouts"] });
      } catch (caught) {
        setError((caught as Error).message);
      }
    });
  }
  return (
    <div className="flex flex-col gap-1">
      <button type="button" data-testid="rollout-button" onClick={open} disabled={pending} className="self-start rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:opacity-60">
        {pending ? "Opening the candidates…" : "Weigh the policy's candidate edits here"}
      </button>
      <p className="text-xs text-slate-600" aria-live="polite">
        {opened !== null ? `${opened} candidate branches opened: see Branches for their rewards and advantages.` : `Each of the ${run.settings.actorPolicy ?? "heuristic"} policy's most probable edits of this iteration runs as its own branch.`}
      </p>
      {error ? (
        <p role="alert" data-testid="rollout-error" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function ForkForm({ id, run, iteration, room }: { id: string; run: RunDetail; iteration: IterationView; room: number }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const profiles = useQuery(profileQueries.list());
  const [mode, setMode] = useState<Mode>("instruction");
  const [instruction, setInstruction] = useState("");
  const [triples, setTriples] = useState(iteration.critique.triples);
  const [missing, setMissing] = useState(iteration.critique.missingObjects);
  const [summary, setSummary] = useState(iteration.critique.summary);
  const [budget, setBudget] = useState(String(Math.min(room, Math.max(1, run.settings.maxIterations - 1))));
  const [profile, setProfile] = useState(run.settings.profile);
  const [actorPolicy, setActorPolicy] = useState(run.settings.actorPolicy ?? "");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const chosenProfile = effectiveProfile(profile, profiles.data);

  function editedCritique(): Critique {
    return { ...iteration.critique, triples, missingObjects: missing, summary };
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    const steer = mode === "instruction" ? { instruction } : { critique: editedCritique() };
    const policy = hasEmbeddedActor(profiles.data, chosenProfile) && actorPolicy ? { actorPolicy } : {};
    const body = { iteration: iteration.index, steer, budget: Number(budget), settings: { profile: chosenProfile, ...policy } };
    startTransition(async () => {
      try {
        const { id: branchId } = await runAction(() => forkRunAction(run.id, body));
        void queryClient.invalidateQueries({ queryKey: [...runQueries.all, "tree"] });
        router.push(`/runs/${encodeURIComponent(branchId)}?i=${iteration.index + 1}`);
      } catch (caught) {
        setError((caught as Error).message);
      }
    });
  }

  return (
    <form id={id} onSubmit={submit} className="flex flex-col gap-3 rounded border border-slate-200 bg-slate-50 p-3 text-sm" data-testid="fork-form" aria-label={`Fork from iteration ${iteration.index}`}>
      <fieldset className="flex flex-wrap gap-4">
        <legend className="mb-1 font-medium text-slate-800">What iteration {iteration.index + 1} starts from</legend>
        <label className="flex items-center gap-2">
          <input type="radio" name={`${id}-mode`} value="instruction" checked={mode === "instruction"} onChange={() => setMode("instruction")} />
          My own instruction (the Editor applies it; the Actor is skipped)
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name={`${id}-mode`} value="critique" checked={mode === "critique"} onChange={() => setMode("critique")} />
          An edited critique (the Actor writes the instruction)
        </label>
      </fieldset>
      {mode === "instruction" ? (
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-instruction`} className="font-medium text-slate-800">
            Instruction
          </label>
          <textarea
            id={`${id}-instruction`}
            data-testid="fork-instruction"
            required
            maxLength={MAX_INSTRUCTION_CHARACTERS}
            rows={2}
            value={instruction}
            onChange={(event) => setInstruction(event.target.value)}
            placeholder="e.g. move the red cup so it is left of the laptop"
            className="rounded border border-slate-300 bg-white px-2 py-1"
          />
        </div>
      ) : (
        <CritiqueEditor idPrefix={id} triples={triples} onTriples={setTriples} allMissing={iteration.critique.missingObjects} missing={missing} onMissing={setMissing} summary={summary} onSummary={setSummary} />
      )}
      <div className="flex flex-wrap items-end gap-4">
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-budget`} className="font-medium text-slate-800">
            More iterations
          </label>
          <input id={`${id}-budget`} data-testid="fork-budget" type="number" required min={1} max={room} step={1} value={budget} onChange={(event) => setBudget(event.target.value)} className="w-24 rounded border border-slate-300 bg-white px-2 py-1 font-mono" />
        </div>
        <ProfileSelect value={profile} onChange={setProfile} />
        <RolePolicySelect role="actor" value={actorPolicy} onChange={setActorPolicy} list={profiles.data} profile={chosenProfile} />
      </div>
      {error ? (
        <p role="alert" data-testid="fork-error" className="rounded bg-red-50 px-3 py-2 text-red-800">
          {error}
        </p>
      ) : null}
      <button type="submit" data-testid="fork-submit" disabled={pending} className="self-start rounded bg-blue-700 px-3 py-1.5 font-medium text-white hover:bg-blue-800 disabled:opacity-60">
        {pending ? "Starting the branch…" : "Run the branch"}
      </button>
    </form>
  );
}

interface CritiqueEditorProps {
  idPrefix: string;
  triples: Critique["triples"];
  onTriples: (triples: Critique["triples"]) => void;
  allMissing: string[];
  missing: string[];
  onMissing: (missing: string[]) => void;
  summary: string;
  onSummary: (summary: string) => void;
}

/** The parts of a critique a person can correct: each triple's verdict, which objects are missing, the summary. */
function CritiqueEditor({ idPrefix, triples, onTriples, allMissing, missing, onMissing, summary, onSummary }: CritiqueEditorProps) {
  return (
    <div className="flex flex-col gap-2" data-testid="critique-editor">
      {triples.length > 0 ? (
        <fieldset className="flex flex-col gap-1">
          <legend className="font-medium text-slate-800">Relations</legend>
          {triples.map((triple, index) => (
            <label key={`${triple.subject}-${triple.predicate}-${triple.object}-${index}`} className="flex flex-wrap items-center gap-2">
              <span className="font-mono text-xs">
                {triple.subject} {triple.predicate} {triple.object}
              </span>
              <select
                value={triple.status}
                data-testid="critique-triple-status"
                onChange={(event) => onTriples(triples.map((other, at) => (at === index ? { ...other, status: event.target.value as TripleStatus } : other)))}
                className="rounded border border-slate-300 bg-white px-1 py-0.5 text-xs"
              >
                {tripleStatusSchema.options.map((status) => (
                  <option key={status} value={status}>
                    {status}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </fieldset>
      ) : null}
      {allMissing.length > 0 ? (
        <fieldset className="flex flex-wrap gap-3">
          <legend className="font-medium text-slate-800">Missing objects</legend>
          {allMissing.map((object) => (
            <label key={object} className="flex items-center gap-1">
              <input type="checkbox" checked={missing.includes(object)} onChange={(event) => onMissing(event.target.checked ? [...missing, object] : missing.filter((other) => other !== object))} />
              {object}
            </label>
          ))}
        </fieldset>
      ) : null}
      <label htmlFor={`${idPrefix}-summary`} className="font-medium text-slate-800">
        Summary (what a model Actor reads)
      </label>
      <textarea id={`${idPrefix}-summary`} data-testid="critique-summary-input" rows={2} value={summary} onChange={(event) => onSummary(event.target.value)} className="rounded border border-slate-300 bg-white px-2 py-1" />
    </div>
  );
}
