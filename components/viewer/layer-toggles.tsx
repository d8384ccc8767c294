"use client";

import type { OverlayLayers } from "@/components/canvas/overlay-canvas";

const layerNames: { key: keyof OverlayLayers; label: string }[] = [
  { key: "boxes", label: "Boxes" },
  { key: "labels", label: "Labels" },
  { key: "relations", label: "Relations" },
];

export function LayerToggles({ layers, onChange }: { layers: OverlayLayers; onChange: (layers: OverlayLayers) => void }) {
  return (
    <fieldset className="flex flex-wrap items-center gap-3 text-sm">
      <legend className="sr-only">Overlay layers</legend>
      <span aria-hidden className="font-medium text-slate-800">
        Layers:
      </span>
      {layerNames.map((layer) => (
        <label key={layer.key} className="inline-flex items-center gap-1">
          <input
            type="checkbox"
            data-testid={`layer-${layer.key}`}
            checked={layers[layer.key]}
            onChange={(event) => onChange({ ...layers, [layer.key]: event.target.checked })}
            className="h-4 w-4 accent-blue-700"
          />
          {layer.label}
        </label>
      ))}
    </fieldset>
  );
}
