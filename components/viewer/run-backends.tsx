import { simulatorNotice } from "@/lib/pipeline/backends/simulated";
import { roleNames, type RunDetail } from "@/lib/schemas/run";

/**
 * The run's profile, the back end that served each role and the prompt versions (recorded by the
 * worker), and, when any role ran on the embedded world, the simulator notice: its figures measure
 * the loop, not a real model.
 */
export function RunBackends({ profile, backends }: { profile: string; backends: RunDetail["backends"] }) {
  const served = backends ? roleNames.filter((role) => backends.roles[role]) : [];
  const notice = backends ? simulatorNotice(backends.roles) : null;
  return (
    <div className="text-sm text-slate-700" data-testid="run-backends" data-profile={profile}>
      <span>
        profile <span className="font-medium text-slate-900" data-testid="run-profile">{profile}</span>
      </span>
      {backends ? (
        <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs" aria-label="Back end of each role">
          {served.map((role) => {
            const promptVersion = role === "checker" || role === "actor" || role === "judge" ? backends.promptVersions[role] : undefined;
            return (
              <li key={role} data-testid="run-role-backend" data-role={role}>
                <span className="font-medium capitalize">{role}</span>: {backends.roles[role]}
                {promptVersion ? <span className="text-slate-500"> (prompt {promptVersion})</span> : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <span className="ml-2 text-xs text-slate-500">(back ends are recorded when the run starts)</span>
      )}
      {notice ? (
        <p className="mt-1 rounded bg-amber-50 px-2 py-1 text-xs font-medium text-amber-900" data-testid="simulated-notice">
          {notice}
        </p>
      ) : null}
    </div>
  );
}
