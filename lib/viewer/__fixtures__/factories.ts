import type { IterationView, RunDetail } from "../../schemas/run";
import type { Critique } from "../../pipeline/roles/types";
import type { SceneGraph } from "../../pipeline/scene-graph/schema";

/** Small factories for the viewer's unit tests: a cup left of a laptop on a desk. */

export const target: SceneGraph = {
  objects: [
    { id: "cup-1", label: "cup", attributes: ["red"] },
    { id: "laptop-1", label: "laptop", attributes: [] },
    { id: "desk-1", label: "desk", attributes: [] },
  ],
  relations: [
    { subject: "cup-1", predicate: "left of", object: "laptop-1" },
    { subject: "laptop-1", predicate: "on", object: "desk-1" },
  ],
};

export function makeDetected(overrides: Partial<Record<"cup" | "laptop" | "desk", { x: number; y: number; width: number; height: number } | null>> = {}): SceneGraph {
  const boxes = {
    cup: { x: 0.1, y: 0.4, width: 0.1, height: 0.1 },
    laptop: { x: 0.5, y: 0.3, width: 0.2, height: 0.15 },
    desk: { x: 0.2, y: 0.45, width: 0.7, height: 0.3 },
    ...overrides,
  };
  const objects: SceneGraph["objects"] = [];
  (["cup", "laptop", "desk"] as const).forEach((label, index) => {
    const box = boxes[label];
    if (box) objects.push({ id: `det-${index}`, label, attributes: label === "cup" ? ["red"] : [], box, depth: 0.5 });
  });
  return { objects, relations: [] };
}

export function makeCritique(detected: SceneGraph, statuses: [Critique["triples"][number]["status"], Critique["triples"][number]["status"]] = ["satisfied", "violated"]): Critique {
  const matches: Record<string, string> = {};
  const locations: Critique["locations"] = {};
  for (const object of detected.objects) {
    const targetId = `${object.label}-1`;
    matches[targetId] = object.id;
    if (object.box) locations[targetId] = object.box;
  }
  const missingObjects = target.objects.map((object) => object.id).filter((id) => !(id in matches));
  return {
    triples: target.relations.map((relation, index) => ({ ...relation, status: statuses[index] ?? "missing" })),
    missingObjects,
    depths: {},
    extraObjects: [],
    attributeMismatches: [],
    matches,
    locations,
    summary: "test critique",
  };
}

export function makeIteration(index: number, overrides: Partial<IterationView> = {}): IterationView {
  const detected = overrides.detected ?? makeDetected();
  return {
    index,
    imageId: index.toString(16).padStart(64, "0"),
    instruction: index === 0 ? null : `edit ${index}`,
    detected,
    critique: overrides.critique ?? makeCritique(detected),
    metrics: { sgIoU: 0.5, entityIoU: 1, relationIoU: 0.5 },
    durationsMs: index === 0 ? { diffuser: 120, checker: 80 } : { actor: 2, editor: 150, checker: 70 },
    warnings: [],
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
    ...overrides,
  };
}

export function makeRun(overrides: Partial<RunDetail> = {}): RunDetail {
  const iterations = overrides.iterations ?? [];
  return {
    id: "run-1",
    prompt: "a red cup left of a laptop; laptop on desk",
    status: "running",
    createdAt: "2026-01-01T00:00:00.000Z",
    iterationCount: iterations.length,
    bestIteration: null,
    bestSgIoU: null,
    bestImageId: null,
    target,
    settings: { seed: 1, maxIterations: 6, targetSgIoU: 1, patience: 3, profile: "sim" },
    backends: null,
    error: null,
    stopReason: null,
    startedAt: "2026-01-01T00:00:00.100Z",
    finishedAt: null,
    judgement: null,
    lineage: null,
    iterations,
    ...overrides,
  };
}
