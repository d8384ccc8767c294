import Link from "next/link";

export default function RunNotFound() {
  return (
    <div role="alert" data-testid="viewer-error" className="rounded-lg border border-red-200 bg-red-50 p-4 text-red-900">
      <h1 className="text-lg font-semibold">Run not found</h1>
      <p className="mt-1">There is no run with this id.</p>
      <Link href="/" className="mt-2 inline-block text-blue-800 underline">
        Back to all runs
      </Link>
    </div>
  );
}
