"use client";

import { useId } from "react";

export interface SettingsValues {
  seed: string;
  maxIterations: string;
  targetSgIoU: string;
  patience: string;
}

export const defaultSettings: SettingsValues = { seed: "1", maxIterations: "6", targetSgIoU: "1", patience: "3" };

type NumberField = keyof SettingsValues;

interface FieldSpec {
  name: NumberField;
  label: string;
  min: number;
  max: number;
  step: number;
  hint: string;
}

const fields: FieldSpec[] = [
  { name: "seed", label: "Seed", min: 0, max: 2 ** 32 - 1, step: 1, hint: "same seed, same run" },
  { name: "maxIterations", label: "Max iterations", min: 1, max: 20, step: 1, hint: "including the first image" },
  { name: "targetSgIoU", label: "Target SG-IoU", min: 0, max: 1, step: 0.05, hint: "stop once reached" },
  { name: "patience", label: "Patience", min: 1, max: 20, step: 1, hint: "iterations without improvement" },
];

/** The number settings; `seedNote` (e.g. "replays may differ") goes under the seed field. */
export function SettingsFields({ values, onChange, seedNote }: { values: SettingsValues; onChange: (values: SettingsValues) => void; seedNote?: string | null }) {
  const id = useId();
  return (
    <fieldset className="grid grid-cols-2 gap-3 sm:grid-cols-4">
      <legend className="sr-only">Run settings</legend>
      {fields.map((field) => (
        <div key={field.name} className="flex flex-col gap-1">
          <label htmlFor={`${id}-${field.name}`} className="text-sm font-medium text-slate-800">
            {field.label}
          </label>
          <input
            id={`${id}-${field.name}`}
            name={field.name}
            type="number"
            inputMode="decimal"
            required
            min={field.min}
            max={field.max}
            step={field.step}
            value={values[field.name]}
            onChange={(event) => onChange({ ...values, [field.name]: event.target.value })}
            aria-describedby={`${id}-${field.name}-hint`}
            className="rounded border border-slate-300 bg-white px-2 py-1 font-mono text-sm"
          />
          <span id={`${id}-${field.name}-hint`} className="text-xs text-slate-600">
            {field.hint}
            {field.name === "seed" && seedNote ? (
              <span data-testid="seed-note" className="mt-0.5 block text-amber-800">
                {seedNote}
              </span>
            ) : null}
          </span>
        </div>
      ))}
    </fieldset>
  );
}

/** The form's settings as numbers for the API (the server validates the bounds), with the chosen profile. */
export function settingsToRequest(values: SettingsValues, profile: string) {
  return {
    profile,
    seed: Number(values.seed),
    maxIterations: Number(values.maxIterations),
    targetSgIoU: Number(values.targetSgIoU),
    patience: Number(values.patience),
  };
}
