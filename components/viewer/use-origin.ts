"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/** The page's origin in the browser, "" during server rendering (no hydration mismatch). */
export function useOrigin(): string {
  return useSyncExternalStore(
    subscribe,
    () => window.location.origin,
    () => "",
  );
}
