import Link from "next/link";

/** An unknown or revoked share token: a real 404, with a page that says so. */
export default function ShareNotFound() {
  return (
    <div role="alert" data-testid="viewer-error" className="rounded-lg border border-red-200 bg-red-50 p-4 text-red-900">
      <h1 className="text-lg font-semibold">Link not found</h1>
      <p className="mt-1">This share link does not exist, was revoked or has expired.</p>
      <Link href="/" className="mt-2 inline-block text-blue-800 underline">
        rl-rig
      </Link>
    </div>
  );
}
