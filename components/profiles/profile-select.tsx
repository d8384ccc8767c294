"use client";

import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import type { ProfileListResponse } from "@/lib/schemas/profile";
import { describeRoleBackend, findProfile, profileQueries } from "@/lib/viewer/profile-queries";

/** The profile a form uses: the one chosen, else the server's default, else "sim". */
export function effectiveProfile(chosen: string, list: ProfileListResponse | undefined): string {
  if (chosen && (!list || list.profiles.some((profile) => profile.name === chosen))) return chosen;
  return list?.defaultProfile ?? "sim";
}

/**
 * The back-end profile select of the run and evaluation forms (GET /api/profiles): each profile by
 * name, which back end serves each role of the chosen one, anything that keeps it from working now,
 * and the config error when the server's rig.config.json is broken (only "sim" is offered then).
 */
export function ProfileSelect({ value, onChange, name }: { value: string; onChange: (profile: string) => void; name?: string }) {
  const id = useId();
  const profiles = useQuery(profileQueries.list());
  const list = profiles.data;
  const selected = effectiveProfile(value, list);
  const profile = findProfile(list, selected);
  const options = list?.profiles ?? [{ name: "sim", description: "embedded CPU world (simulator) for every role" }];

  return (
    <div className="flex flex-col gap-2" data-testid="profile-settings">
      <label htmlFor={`${id}-profile`} className="text-sm font-medium text-slate-800">
        Back-end profile
      </label>
      <select
        id={`${id}-profile`}
        name={name}
        data-testid="profile-select"
        value={selected}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={`${id}-roles`}
        className="max-w-md rounded border border-slate-300 bg-white px-2 py-1 text-sm"
      >
        {options.map((option) => (
          <option key={option.name} value={option.name}>
            {option.name}
            {option.description ? ` — ${option.description}` : ""}
          </option>
        ))}
      </select>
      <ul id={`${id}-roles`} data-testid="profile-roles" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700" aria-label={`Back ends of profile ${selected}`}>
        {profile?.roles.map((role) => (
          <li key={role.role} data-testid="profile-role" data-role={role.role} data-backend={role.backend}>
            <span className="font-medium capitalize">{role.role}</span>: {describeRoleBackend(role)}
          </li>
        )) ?? <li className="text-slate-500">{profiles.isError ? "Could not load the profiles; runs use the server's default." : "Loading the profiles…"}</li>}
      </ul>
      {profile && profile.problems.length > 0 ? (
        <p role="status" data-testid="profile-problems" className="rounded bg-amber-50 px-3 py-2 text-xs text-amber-900">
          Runs on this profile will fail until this is fixed on the server: {profile.problems.join("; ")}
        </p>
      ) : null}
      {list?.configError ? (
        <p role="alert" data-testid="profile-config-error" className="whitespace-pre-line rounded bg-red-50 px-3 py-2 text-xs text-red-800">
          The server&apos;s back-end config is broken, so only the built-in &quot;sim&quot; profile is available:{"\n"}
          {list.configError}
        </p>
      ) : null}
    </div>
  );
}
