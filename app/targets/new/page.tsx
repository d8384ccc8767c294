import type { Metadata } from "next";
import { TargetEditor } from "@/components/target-editor/target-editor";

export const metadata: Metadata = { title: "Target editor" };

export default function TargetEditorPage() {
  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Target editor</h1>
        <p className="text-sm text-slate-700">Build the scene graph the loop should reach: objects, their attributes and the relations between them.</p>
      </div>
      <TargetEditor />
    </div>
  );
}
