"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { MAX_INPUT_CHARACTERS } from "@/lib/schemas/run";
import { validatePromptInput, looksLikeJson } from "@/lib/viewer/input-validation";
import { findProfile, profileQueries, seedCaveat } from "@/lib/viewer/profile-queries";
import { createRunAction } from "@/app/actions/writes";
import { runAction } from "@/lib/viewer/action-result";
import { runQueries } from "@/lib/viewer/run-queries";
import { RolePolicySelect, policySetting } from "@/components/profiles/role-policy-select";
import { effectiveProfile, ProfileSelect } from "@/components/profiles/profile-select";
import { examplePrompts } from "./example-prompts";
import { defaultSettings, SettingsFields, settingsToRequest, type SettingsValues } from "./settings-fields";

export function PromptForm() {
  const id = useId();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [input, setInput] = useState("");
  const [settings, setSettings] = useState<SettingsValues>(defaultSettings);
  const [clientError, setClientError] = useState<string | null>(null);
  /** "" until the user picks one: the server's default profile then. */
  const [chosenProfile, setChosenProfile] = useState("");
  /** "" or "heuristic": the default policy, sent as nothing. */
  const [actorPolicy, setActorPolicy] = useState("");
  const [editorPolicy, setEditorPolicy] = useState("");
  const profiles = useQuery(profileQueries.list());
  const profile = effectiveProfile(chosenProfile, profiles.data);

  const create = useMutation({
    mutationFn: (body: { input: string; settings: Record<string, unknown> }) => runAction(() => createRunAction(body)),
    onSuccess: ({ id: runId }) => {
      void queryClient.invalidateQueries({ queryKey: runQueries.lists() });
      router.push(`/runs/${encodeURIComponent(runId)}`);
    },
  });

  const error = clientError ?? (create.error ? create.error.message : null);
  const length = input.trim().length;
  const tooLong = length > MAX_INPUT_CHARACTERS;

  function submit(event: FormEvent) {
    event.preventDefault();
    const problem = validatePromptInput(input);
    setClientError(problem);
    if (problem) return;
    const policies = { ...policySetting("actor", actorPolicy, profiles.data, profile), ...policySetting("editor", editorPolicy, profiles.data, profile) };
    create.mutate({ input, settings: { ...settingsToRequest(settings, profile), ...policies } });
  }

  function edit(value: string) {
    setInput(value);
    setClientError(null);
    create.reset();
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        New run
      </h2>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-input`} className="text-sm font-medium text-slate-800">
          Prompt, scene graph or LAION-SG record (JSON)
        </label>
        <textarea
          id={`${id}-input`}
          data-testid="prompt-input"
          name="input"
          rows={looksLikeJson(input) ? 10 : 3}
          value={input}
          onChange={(event) => edit(event.target.value)}
          placeholder="a photo of a dog right of a teddy bear"
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-count${error ? ` ${id}-error` : ""}`}
          className={`w-full rounded border bg-white px-3 py-2 ${looksLikeJson(input) ? "font-mono text-xs" : "text-base"} ${error ? "border-red-600" : "border-slate-300"}`}
        />
        <div className="flex justify-between gap-4 text-xs">
          <span className="text-slate-600">Plain text (&quot;a cup left of a laptop&quot;), triples joined by &quot;; &quot;, or JSON.</span>
          <span id={`${id}-count`} className={tooLong ? "font-semibold text-red-700" : "text-slate-600"}>
            {length} / {MAX_INPUT_CHARACTERS}
          </span>
        </div>
        {error ? (
          <p id={`${id}-error`} role="alert" data-testid="prompt-error" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </p>
        ) : null}
      </div>

      <details className="rounded border border-slate-200 px-3 py-2">
        <summary className="cursor-pointer text-sm font-medium text-slate-800">
          <span>Settings</span>{" "}
          <span className="font-normal text-slate-600" data-testid="settings-profile">
            (profile: {profile})
          </span>
        </summary>
        <div className="flex flex-col gap-4 pt-3">
          <ProfileSelect
            value={profile}
            onChange={(name) => {
              setChosenProfile(name);
              create.reset();
            }}
          />
          <RolePolicySelect role="actor" value={actorPolicy} onChange={setActorPolicy} list={profiles.data} profile={profile} />
          <RolePolicySelect role="editor" value={editorPolicy} onChange={setEditorPolicy} list={profiles.data} profile={profile} />
          <SettingsFields values={settings} onChange={setSettings} seedNote={seedCaveat(findProfile(profiles.data, profile))} />
        </div>
      </details>

      <div className="flex items-center gap-3">
        <button type="submit" data-testid="submit-run" disabled={create.isPending} className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-60">
          {create.isPending ? "Starting…" : "Run"}
        </button>
        <span className="text-sm text-slate-600" aria-live="polite">
          {create.isPending ? "Creating the run…" : ""}
        </span>
      </div>

      <section aria-labelledby={`${id}-examples`}>
        <h3 id={`${id}-examples`} className="mb-2 text-sm font-medium text-slate-800">
          Examples from public benchmarks
        </h3>
        <ul className="flex flex-wrap gap-2">
          {examplePrompts.map((example) => (
            <li key={example.input}>
              <button
                type="button"
                onClick={() => edit(example.input)}
                className="rounded-full border border-slate-300 bg-slate-50 px-3 py-1 text-left text-sm hover:border-blue-500 hover:bg-blue-50"
              >
                <span className="text-xs text-slate-600">{example.source}: </span>
                {example.source.startsWith("LAION") ? "red cup, laptop, desk (JSON)" : example.input}
              </button>
            </li>
          ))}
        </ul>
      </section>
    </form>
  );
}
