"use client";

import { useId, useState, type FormEvent } from "react";
import { fetchApi } from "@/lib/viewer/api-client";

/** Trades the access token for a session cookie, then goes back to the page that asked for it. */
export function SignInForm({ returnTo }: { returnTo: string }) {
  const id = useId();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await fetchApi("/api/session", { method: "POST", body: JSON.stringify({ token }) });
      // A full navigation, so the server renders the page with the new cookie.
      window.location.assign(returnTo);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setPending(false);
    }
  }

  return (
    <form onSubmit={submit} className="flex max-w-md flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`} className="text-lg font-semibold">
        Sign in
      </h1>
      <p className="text-sm text-slate-700">This server is protected. Enter its access token (the value of RIG_AUTH_TOKEN).</p>
      <label htmlFor={`${id}-token`} className="text-sm font-medium text-slate-800">
        Access token
      </label>
      <input
        id={`${id}-token`}
        type="password"
        autoComplete="current-password"
        required
        value={token}
        onChange={(event) => setToken(event.target.value)}
        className="rounded border border-slate-300 px-3 py-2"
      />
      {error ? (
        <p role="alert" data-testid="sign-in-error" className="text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={pending || token === ""} className="self-start rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-60">
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

/** Ends the session (clears both cookies) and shows the sign-in page. */
export function SignOutButton() {
  async function signOut() {
    await fetchApi("/api/session", { method: "DELETE" });
    window.location.assign("/signin");
  }
  return (
    <button type="button" onClick={() => void signOut()} className="text-blue-700 hover:underline">
      Sign out
    </button>
  );
}
