import { ImageResponse } from "next/og";
import { getRunByShareToken } from "@/lib/db/runs";
import { readImage } from "@/lib/images/store";
import { simulatedRoles } from "@/lib/pipeline/backends/simulated";

export const alt = "The best iteration of a shared rl-rig run";
export const size = { width: 1200, height: 630 };
export const contentType = "image/png";

/** Link preview of a shared run: its best iteration beside the prompt and the best SG-IoU. */
export default async function OpenGraphImage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const run = await getRunByShareToken(token);
  const png = run?.bestImageId ? await readImage(run.bestImageId) : null;
  const simulated = run?.backends ? simulatedRoles(run.backends.roles).length > 0 : false;
  const prompt = run ? (run.prompt.length > 160 ? `${run.prompt.slice(0, 160)}…` : run.prompt) : "This link does not open a run.";
  return new ImageResponse(
    (
      <div style={{ width: "100%", height: "100%", display: "flex", background: "#f8fafc", color: "#0f172a", padding: 35, gap: 40, alignItems: "center" }}>
        {png ? (
          <img alt="" src={`data:image/png;base64,${png.toString("base64")}`} width={560} height={560} style={{ borderRadius: 16, border: "2px solid #cbd5e1" }} />
        ) : (
          <div style={{ width: 560, height: 560, borderRadius: 16, background: "#e2e8f0", display: "flex", alignItems: "center", justifyContent: "center", fontSize: 32, color: "#475569" }}>no image yet</div>
        )}
        <div style={{ display: "flex", flexDirection: "column", flex: 1, gap: 24 }}>
          <div style={{ fontSize: 28, color: "#1d4ed8", fontWeight: 700 }}>rl-rig · Generate-Reflect-Edit</div>
          <div style={{ fontSize: 40, lineHeight: 1.2, fontWeight: 600 }}>{prompt}</div>
          {run ? (
            <div style={{ display: "flex", gap: 16, fontSize: 28, color: "#334155" }}>
              <span>best SG-IoU {run.bestSgIoU === null ? "—" : run.bestSgIoU.toFixed(2)}</span>
              <span>·</span>
              <span>
                {run.iterationCount} iteration{run.iterationCount === 1 ? "" : "s"}
              </span>
            </div>
          ) : null}
          {simulated ? <div style={{ fontSize: 24, color: "#92400e", fontWeight: 700 }}>SIMULATED: rl-rig&apos;s embedded CPU world, not a real model</div> : null}
        </div>
      </div>
    ),
    size,
  );
}
