"use client";

import { useId } from "react";
import type { ProfileListResponse } from "@/lib/schemas/profile";
import { findProfile } from "@/lib/viewer/profile-queries";

export type TrainedRole = "actor" | "editor";

/** True when the profile's Actor (Editor) is the embedded one: only that role takes a policy. */
export function hasEmbeddedRole(list: ProfileListResponse | undefined, profile: string, role: TrainedRole): boolean {
  const view = findProfile(list, profile);
  if (!view) return profile === "sim";
  const entry = view.roles.find((candidate) => candidate.role === role);
  return !entry || entry.backend === "sim";
}

export const hasEmbeddedActor = (list: ProfileListResponse | undefined, profile: string) => hasEmbeddedRole(list, profile, "actor");

/** The settings field of a chosen policy: nothing for the default, and nothing when the profile's role is a model. */
export function policySetting(role: TrainedRole, policy: string, list: ProfileListResponse | undefined, profile: string): Record<string, string> {
  return policy && policy !== "heuristic" && hasEmbeddedRole(list, profile, role) ? { [`${role}Policy`]: policy } : {};
}

const copy = {
  actor: { label: "Actor policy", hint: "the embedded Actor's choice among candidate edits; checkpoints come from rig train actor" },
  editor: { label: "Editor policy", hint: "where the embedded Editor places what it is told to; checkpoints come from rig train editor" },
} as const;

/**
 * The embedded Actor's or Editor's policy (settings.actorPolicy, settings.editorPolicy): the
 * hand-tuned one, uniform, or a checkpoint of `rig train actor|editor` in the server's checkpoints
 * folder. Shown only when the chosen profile's role is the embedded one.
 */
export function RolePolicySelect({ role, value, onChange, list, profile, name }: { role: TrainedRole; value: string; onChange: (policy: string) => void; list: ProfileListResponse | undefined; profile: string; name?: string }) {
  const id = useId();
  if (!hasEmbeddedRole(list, profile, role)) return null;
  const policies = (role === "actor" ? list?.actorPolicies : list?.editorPolicies) ?? ["heuristic", "uniform"];
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={`${id}-policy`} className="text-sm font-medium text-slate-800">
        {copy[role].label}
      </label>
      <select id={`${id}-policy`} name={name} data-testid={`${role}-policy-select`} value={value || "heuristic"} onChange={(event) => onChange(event.target.value)} aria-describedby={`${id}-policy-hint`} className="max-w-md rounded border border-slate-300 bg-white px-2 py-1 text-sm">
        {policies.map((policy) => (
          <option key={policy} value={policy}>
            {policy === "heuristic" ? "heuristic (hand-tuned, default)" : policy === "uniform" ? "uniform (untrained)" : `${policy} (trained checkpoint)`}
          </option>
        ))}
      </select>
      <span id={`${id}-policy-hint`} className="text-xs text-slate-600">
        {copy[role].hint}
      </span>
    </div>
  );
}
