import type { Metadata } from "next";
import { cookies, headers } from "next/headers";
import Link from "next/link";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/access/sign-in-form";
import { Providers } from "@/components/providers";
import { serverAccess } from "@/lib/server/config";
import { openSession, SESSION_COOKIE } from "@/lib/server/session";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  return {
    title: { default: "rl-rig", template: "%s · rl-rig" },
    description: "Spatially faithful image generation with a Generate-Reflect-Edit loop.",
    icons: { icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%231d4ed8'/%3E%3Cpath d='M4 11 8 5l4 6' stroke='white' stroke-width='2' fill='none'/%3E%3C/svg%3E" },
    // Open Graph image URLs must be absolute: resolve them against the host the page was opened on.
    metadataBase: await requestOrigin(),
  };
}

async function requestOrigin(): Promise<URL | undefined> {
  const list = await headers();
  const host = list.get("x-forwarded-host") ?? list.get("host");
  if (!host) return undefined;
  const protocol = list.get("x-forwarded-proto")?.split(",")[0]?.trim() ?? "http";
  try {
    return new URL(`${protocol}://${host}`);
  } catch {
    return undefined;
  }
}

/** True when the server has access control and this browser holds a valid session. */
async function signedIn(): Promise<boolean> {
  const token = serverAccess().authToken;
  if (!token) return false;
  return (await openSession((await cookies()).get(SESSION_COOKIE)?.value, token)) !== null;
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex max-w-7xl items-center gap-4 px-4 py-3">
            <Link href="/" className="text-lg font-semibold tracking-tight text-slate-900 hover:text-blue-700">
              rl-rig
            </Link>
            <span className="text-sm text-slate-600">Generate · Reflect · Edit</span>
            <nav aria-label="Main" className="ml-auto flex gap-4 text-sm">
              <Link href="/targets/new" className="text-blue-700 hover:underline">
                Target editor
              </Link>
              <Link href="/evals" className="text-blue-700 hover:underline">
                Evaluations
              </Link>
              {(await signedIn()) ? <SignOutButton /> : null}
            </nav>
          </div>
        </header>
        <Providers>
          <main id="main" className="mx-auto max-w-7xl px-4 py-6">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
