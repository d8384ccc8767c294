import { PromptForm } from "@/components/home/prompt-form";
import { RunList } from "@/components/home/run-list";

export default function HomePage() {
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Spatially faithful images, one reflection at a time</h1>
        <p className="mt-1 max-w-3xl text-slate-700">
          A Diffuser draws the prompt, a Checker reads the image back into a scene graph and critiques it, an Actor writes one edit, an Editor applies it; the loop keeps
          the best iteration by SG-IoU. Runs on the embedded CPU world (a simulator) unless Settings pick another back-end profile from the server&apos;s rig.config.json.
        </p>
      </div>
      <PromptForm />
      <RunList />
    </div>
  );
}
