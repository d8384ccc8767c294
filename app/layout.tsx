import type { ReactNode } from "react";

export const metadata = {
  title: "rl-rig",
  description: "Spatially faithful image generation with a Generate-Reflect-Edit loop.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
