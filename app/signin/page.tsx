import type { Metadata } from "next";
import Link from "next/link";
import { SignInForm } from "@/components/access/sign-in-form";
import { safeReturnPath } from "@/lib/server/access-guard";
import { serverAccess } from "@/lib/server/config";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const next = (await searchParams).next;
  const returnTo = safeReturnPath(Array.isArray(next) ? next[0] : next);
  if (!serverAccess().authToken) {
    return (
      <div className="max-w-md rounded-lg border border-slate-200 bg-white p-4">
        <h1 className="text-lg font-semibold">No sign-in needed</h1>
        <p className="mt-1 text-sm text-slate-700">This server has no access control: it listens on this machine only (set RIG_AUTH_TOKEN to protect it).</p>
        <Link href={returnTo} className="mt-2 inline-block text-blue-800 underline">
          Continue
        </Link>
      </div>
    );
  }
  return <SignInForm returnTo={returnTo} />;
}
