"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { createRunAction } from "@/app/actions/writes";
import { runAction } from "@/lib/viewer/action-result";
import { defaultSettings, SettingsFields, settingsToRequest, type SettingsValues } from "@/components/home/settings-fields";
import { effectiveProfile, ProfileSelect } from "@/components/profiles/profile-select";
import { useElementWidth } from "@/components/viewer/use-element-width";
import { profileQueries } from "@/lib/viewer/profile-queries";
import { runQueries } from "@/lib/viewer/run-queries";
import {
  addObject,
  addRelation,
  editorPredicates,
  emptyEditor,
  moveObject,
  parseAttributes,
  removeObject,
  removeRelation,
  setPredicate,
  viewOf,
  type EditorState,
} from "@/lib/viewer/target-editor";

const TargetCanvas = dynamic(() => import("./target-canvas").then((module) => module.TargetCanvas), { ssr: false });
const CANVAS_HEIGHT = 420;

/**
 * Build a target scene graph by hand: objects placed and dragged on a canvas, relations drawn as
 * arrows (click the subject, then the object) or added with the form, predicates and attributes
 * picked from lists. The prompt text and the LAION-SG record update as it changes, the problems
 * the API would refuse it for are listed, and "Run" starts a run on it.
 */
export function TargetEditor() {
  const id = useId();
  const router = useRouter();
  const queryClient = useQueryClient();
  const profiles = useQuery(profileQueries.list());
  const [state, setState] = useState<EditorState>(emptyEditor);
  const [label, setLabel] = useState("");
  const [attributes, setAttributes] = useState("");
  const [subject, setSubject] = useState("");
  const [predicate, setPredicateText] = useState("left of");
  const [object, setObject] = useState("");
  const [pendingSubject, setPendingSubject] = useState<string | null>(null);
  const [settings, setSettings] = useState<SettingsValues>(defaultSettings);
  const [chosenProfile, setChosenProfile] = useState("");
  const [runError, setRunError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const [canvasRef, canvasWidth] = useElementWidth();
  const view = viewOf(state);
  const profile = effectiveProfile(chosenProfile, profiles.data);
  const ids = state.objects.map((candidate) => candidate.id);
  const subjectId = ids.includes(subject) ? subject : (ids[0] ?? "");
  const objectId = ids.includes(object) ? object : (ids.find((candidate) => candidate !== subjectId) ?? "");

  function update(next: EditorState) {
    setState(next);
    setRunError(null);
  }

  function addTypedObject(event: React.FormEvent) {
    event.preventDefault();
    if (!label.trim()) return;
    update(addObject(state, label, parseAttributes(attributes)));
    setLabel("");
    setAttributes("");
  }

  function addFormRelation(event: React.FormEvent) {
    event.preventDefault();
    if (!subjectId || !objectId || !predicate.trim()) return;
    update(addRelation(state, { subject: subjectId, predicate, object: objectId }));
  }

  /** Canvas clicks: the first picks the subject, the second draws the arrow to the object. */
  function pick(target: string) {
    if (pendingSubject === null || pendingSubject === target) {
      setPendingSubject(pendingSubject === target ? null : target);
      return;
    }
    update(addRelation(state, { subject: pendingSubject, predicate: predicate.trim() || "next to", object: target }));
    setPendingSubject(null);
  }

  function run() {
    setRunError(null);
    startTransition(async () => {
      try {
        const { id: runId } = await runAction(() => createRunAction({ input: JSON.stringify(view.graph), settings: settingsToRequest(settings, profile) }));
        void queryClient.invalidateQueries({ queryKey: runQueries.lists() });
        router.push(`/runs/${encodeURIComponent(runId)}`);
      } catch (caught) {
        setRunError((caught as Error).message);
      }
    });
  }

  const nameOf = (objectKey: string) => {
    const found = state.objects.find((candidate) => candidate.id === objectKey);
    return found ? [...found.attributes, found.label].join(" ") : objectKey;
  };

  return (
    <div className="flex flex-col gap-4" data-testid="target-editor">
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <section className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby={`${id}-canvas`}>
          <h2 id={`${id}-canvas`} className="text-base font-semibold">
            Canvas
          </h2>
          <p className="text-xs text-slate-600" aria-live="polite" data-testid="canvas-hint">
            {pendingSubject
              ? `Now click the object “${nameOf(pendingSubject)}” should be ${predicate || "next to"} (or click it again to cancel).`
              : "Drag objects to lay the scene out. Click one object, then another, to draw a relation with the predicate chosen under Relations."}
          </p>
          <div ref={canvasRef} className="overflow-hidden rounded border border-slate-200" style={{ height: CANVAS_HEIGHT }} data-testid="target-canvas" data-objects={state.objects.length} data-relations={state.relations.length}>
            {canvasWidth > 0 ? (
              <TargetCanvas state={state} width={canvasWidth} height={CANVAS_HEIGHT} pendingSubject={pendingSubject} selected={null} onMove={(objectKey, x, y) => update(moveObject(state, objectKey, x, y))} onPick={pick} />
            ) : null}
          </div>
        </section>

        <div className="flex flex-col gap-4">
          <section className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby={`${id}-objects`}>
            <h2 id={`${id}-objects`} className="text-base font-semibold">
              Objects
            </h2>
            <form onSubmit={addTypedObject} className="flex flex-wrap items-end gap-2 text-sm" data-testid="add-object-form">
              <div className="flex flex-col gap-1">
                <label htmlFor={`${id}-label`} className="font-medium text-slate-800">
                  Object
                </label>
                <input id={`${id}-label`} data-testid="object-label" value={label} onChange={(event) => setLabel(event.target.value)} placeholder="cup" maxLength={60} className="w-32 rounded border border-slate-300 bg-white px-2 py-1" />
              </div>
              <div className="flex flex-col gap-1">
                <label htmlFor={`${id}-attributes`} className="font-medium text-slate-800">
                  Attributes
                </label>
                <input id={`${id}-attributes`} data-testid="object-attributes" value={attributes} onChange={(event) => setAttributes(event.target.value)} placeholder="red, small" maxLength={120} className="w-32 rounded border border-slate-300 bg-white px-2 py-1" />
              </div>
              <button type="submit" data-testid="add-object" className="rounded border border-slate-300 bg-white px-3 py-1 font-medium hover:bg-slate-100">
                Add object
              </button>
            </form>
            <ul className="flex flex-col gap-1 text-sm" data-testid="object-list">
              {state.objects.map((item) => (
                <li key={item.id} className="flex items-center justify-between gap-2">
                  <span>
                    <span className="font-medium">{nameOf(item.id)}</span> <span className="font-mono text-xs text-slate-600">{item.id}</span>
                  </span>
                  <button type="button" onClick={() => update(removeObject(state, item.id))} className="text-xs text-red-800 underline" aria-label={`Remove ${nameOf(item.id)}`}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          </section>

          <section className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby={`${id}-relations`}>
            <h2 id={`${id}-relations`} className="text-base font-semibold">
              Relations
            </h2>
            <form onSubmit={addFormRelation} className="flex flex-wrap items-end gap-2 text-sm" data-testid="add-relation-form">
              <ObjectSelect id={`${id}-subject`} label="Subject" value={subjectId} onChange={setSubject} ids={ids} nameOf={nameOf} />
              <div className="flex flex-col gap-1">
                <label htmlFor={`${id}-predicate`} className="font-medium text-slate-800">
                  Predicate
                </label>
                <input id={`${id}-predicate`} data-testid="relation-predicate" list={`${id}-predicates`} value={predicate} onChange={(event) => setPredicateText(event.target.value)} maxLength={60} className="w-32 rounded border border-slate-300 bg-white px-2 py-1" />
                <datalist id={`${id}-predicates`}>
                  {editorPredicates.map((phrase) => (
                    <option key={phrase} value={phrase} />
                  ))}
                </datalist>
              </div>
              <ObjectSelect id={`${id}-object`} label="Object" value={objectId} onChange={setObject} ids={ids} nameOf={nameOf} />
              <button type="submit" data-testid="add-relation" disabled={ids.length < 2} className="rounded border border-slate-300 bg-white px-3 py-1 font-medium hover:bg-slate-100 disabled:opacity-50">
                Add relation
              </button>
            </form>
            <ul className="flex flex-col gap-1 text-sm" data-testid="relation-list">
              {state.relations.map((relation, index) => (
                <li key={`${relation.subject}-${relation.predicate}-${relation.object}-${index}`} className="flex flex-wrap items-center gap-2">
                  <span>{nameOf(relation.subject)}</span>
                  <label className="sr-only" htmlFor={`${id}-relation-${index}`}>
                    Predicate of relation {index + 1}
                  </label>
                  <select id={`${id}-relation-${index}`} value={relation.predicate} onChange={(event) => update(setPredicate(state, index, event.target.value))} className="rounded border border-slate-300 bg-white px-1 py-0.5 text-xs">
                    {[...new Set([relation.predicate, ...editorPredicates])].map((phrase) => (
                      <option key={phrase} value={phrase}>
                        {phrase}
                      </option>
                    ))}
                  </select>
                  <span>{nameOf(relation.object)}</span>
                  <button type="button" onClick={() => update(removeRelation(state, index))} className="text-xs text-red-800 underline" aria-label={`Remove relation ${index + 1}`}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          </section>
        </div>
      </div>

      {view.problems.length > 0 ? (
        <ul role="alert" data-testid="target-problems" className="flex flex-col gap-1 rounded bg-amber-50 px-3 py-2 text-sm text-amber-950">
          {view.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      ) : null}

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <section className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby={`${id}-text`}>
          <h2 id={`${id}-text`} className="text-base font-semibold">
            As a prompt
          </h2>
          <p data-testid="target-text" className="text-sm text-slate-800">
            {view.promptText || <span className="text-slate-600">Add objects to see the prompt.</span>}
          </p>
        </section>
        <section className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby={`${id}-laion`}>
          <h2 id={`${id}-laion`} className="text-base font-semibold">
            As a LAION-SG record
          </h2>
          <pre data-testid="target-laion-sg" tabIndex={0} className="max-h-64 overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100">
            {view.laionSg}
          </pre>
        </section>
      </div>

      <section className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby={`${id}-run`}>
        <h2 id={`${id}-run`} className="text-base font-semibold">
          Run it
        </h2>
        <SettingsFields values={settings} onChange={setSettings} />
        <ProfileSelect value={chosenProfile} onChange={setChosenProfile} />
        {runError ? (
          <p role="alert" data-testid="target-run-error" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
            {runError}
          </p>
        ) : null}
        <button type="button" data-testid="run-target" onClick={run} disabled={pending || view.problems.length > 0} className="self-start rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-50">
          {pending ? "Starting…" : "Run this target"}
        </button>
      </section>
    </div>
  );
}

function ObjectSelect({ id, label, value, onChange, ids, nameOf }: { id: string; label: string; value: string; onChange: (value: string) => void; ids: string[]; nameOf: (id: string) => string }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="font-medium text-slate-800">
        {label}
      </label>
      <select id={id} data-testid={`relation-${label.toLowerCase()}`} value={value} onChange={(event) => onChange(event.target.value)} disabled={ids.length === 0} className="w-36 rounded border border-slate-300 bg-white px-1 py-1">
        {ids.map((objectKey) => (
          <option key={objectKey} value={objectKey}>
            {nameOf(objectKey)} ({objectKey})
          </option>
        ))}
      </select>
    </div>
  );
}
