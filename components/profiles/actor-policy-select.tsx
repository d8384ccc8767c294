"use client";

import { useId } from "react";
import type { ProfileListResponse } from "@/lib/schemas/profile";
import { findProfile } from "@/lib/viewer/profile-queries";

/** True when the profile's Actor is the embedded one: only that Actor takes a policy. */
export function hasEmbeddedActor(list: ProfileListResponse | undefined, profile: string): boolean {
  const view = findProfile(list, profile);
  if (!view) return profile === "sim";
  const actor = view.roles.find((role) => role.role === "actor");
  return !actor || actor.backend === "sim";
}

/**
 * The embedded Actor's policy (settings.actorPolicy): the hand-tuned one, uniform, or a
 * checkpoint of `rig train actor` in the server's checkpoints folder. Shown only when the chosen
 * profile's Actor is the embedded one.
 */
export function ActorPolicySelect({ value, onChange, list, profile, name }: { value: string; onChange: (policy: string) => void; list: ProfileListResponse | undefined; profile: string; name?: string }) {
  const id = useId();
  if (!hasEmbeddedActor(list, profile)) return null;
  const policies = list?.actorPolicies ?? ["heuristic", "uniform"];
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={`${id}-policy`} className="text-sm font-medium text-slate-800">
        Actor policy
      </label>
      <select id={`${id}-policy`} name={name} data-testid="actor-policy-select" value={value || "heuristic"} onChange={(event) => onChange(event.target.value)} aria-describedby={`${id}-policy-hint`} className="max-w-md rounded border border-slate-300 bg-white px-2 py-1 text-sm">
        {policies.map((policy) => (
          <option key={policy} value={policy}>
            {policy === "heuristic" ? "heuristic (hand-tuned, default)" : policy === "uniform" ? "uniform (untrained)" : `${policy} (trained checkpoint)`}
          </option>
        ))}
      </select>
      <span id={`${id}-policy-hint`} className="text-xs text-slate-600">
        the embedded Actor&apos;s choice among candidate edits; checkpoints come from rig train actor
      </span>
    </div>
  );
}
