/**
 * Small fakes for the loop tests: scripted roles that log every call, and a manual clock.
 * Test-only; nothing outside *.test.ts imports this.
 */
import { createRaster, type RasterImage } from "../image/raster";
import type { RoleName } from "../roles/errors";
import {
  critiqueSchema,
  type Actor,
  type ActorInput,
  type Checker,
  type Critique,
  type Diffuser,
  type Editor,
  type Judge,
  type RoleCallOptions,
  type Roles,
} from "../roles/types";
import type { SceneGraph } from "../scene-graph/schema";
import type { LoopEvent } from "./events";
import type { LoopMetrics } from "./types";

export const TARGET_SIZE = 8;

/** A target of eight unrelated objects; the fake score is the share of them detected. */
export const target: SceneGraph = {
  objects: Array.from({ length: TARGET_SIZE }, (_, index) => ({ id: `o${index}`, label: `thing${index}`, attributes: [] })),
  relations: [],
};

export function detectedWith(count: number): SceneGraph {
  return { objects: target.objects.slice(0, count), relations: [] };
}

export function score(goal: SceneGraph, detected: SceneGraph): LoopMetrics {
  const share = detected.objects.length / goal.objects.length;
  return { sgIoU: share, entityIoU: share, relationIoU: 0 };
}

/** Parsed, so the fake stays a valid Critique while that schema grows fields. */
export function critiqueFor(detected: SceneGraph): Critique {
  return critiqueSchema.parse({
    triples: [],
    missingObjects: target.objects.slice(detected.objects.length).map((object) => object.id),
    extraObjects: [],
    attributeMismatches: [],
    matches: Object.fromEntries(detected.objects.map((object) => [object.id, object.id])),
    locations: {},
    summary: `${detected.objects.length} of ${TARGET_SIZE} found`,
  });
}

/** A 2x2 raster whose every byte is the low byte of the seed that made it, so seeds show in pixels. */
export function rasterFromSeed(seed: number): RasterImage {
  const image = createRaster(2, 2);
  image.data.fill(seed & 0xff);
  return image;
}

export interface RoleCall {
  role: RoleName;
  seed: number;
  signal: AbortSignal | undefined;
  /** The actor's input, the editor's instruction, the checker's and judge's image. */
  input?: unknown;
}

export interface Clock {
  now: () => number;
  advance: (ms: number) => void;
}

export function manualClock(start = 1000): Clock {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

/** How long each fake role takes on the manual clock. */
export const ROLE_COST_MS = { diffuser: 100, checker: 30, actor: 5, editor: 50, judge: 7 } as const;

export interface FakeOptions {
  /** Detected object counts, one per Checker call (the last repeats). */
  script: number[];
  clock?: Clock;
  warnings?: Partial<Record<RoleName, string[]>>;
  judge?: boolean;
  /** Runs before the named role's nth call (0-based) returns; may throw or abort. */
  hooks?: Partial<Record<RoleName, (call: number, options: RoleCallOptions) => void | Promise<void>>>;
}

export function fakeRoles(options: FakeOptions) {
  const calls: RoleCall[] = [];
  const counts: Record<RoleName, number> = { diffuser: 0, checker: 0, actor: 0, editor: 0, judge: 0 };
  const begin = async (role: RoleName, callOptions: RoleCallOptions, input?: unknown) => {
    calls.push({ role, seed: callOptions.seed, signal: callOptions.signal, input });
    options.clock?.advance(ROLE_COST_MS[role]);
    await options.hooks?.[role]?.(counts[role], callOptions);
    counts[role] += 1;
    return { warnings: [...(options.warnings?.[role] ?? [])] };
  };

  const diffuser: Diffuser = {
    name: "fake-diffuser",
    async generate(prompt, callOptions) {
      const base = await begin("diffuser", callOptions, prompt);
      return { ...base, image: rasterFromSeed(callOptions.seed) };
    },
  };
  const checker: Checker = {
    name: "fake-checker",
    async check(image, _goal, callOptions) {
      const call = counts.checker;
      const base = await begin("checker", callOptions, image);
      const count = options.script[Math.min(call, options.script.length - 1)] ?? 0;
      const detected = detectedWith(count);
      return { ...base, detected, critique: critiqueFor(detected) };
    },
  };
  const actor: Actor = {
    name: "fake-actor",
    async act(input: ActorInput, callOptions) {
      const base = await begin("actor", callOptions, { ...input, history: [...input.history] });
      return { ...base, instruction: `instruction ${input.history.length + 1} (seed ${callOptions.seed})` };
    },
  };
  const editor: Editor = {
    name: "fake-editor",
    async edit(_image, instruction, callOptions) {
      const base = await begin("editor", callOptions, instruction);
      return { ...base, image: rasterFromSeed(callOptions.seed) };
    },
  };
  const judge: Judge = {
    name: "fake-judge",
    async judge(image, prompt, callOptions) {
      const base = await begin("judge", callOptions, { image, prompt });
      return { ...base, score: 7, rationale: "looks right" };
    },
  };
  const roles: Roles = { diffuser, checker, actor, editor, ...(options.judge ? { judge } : {}) };
  return { roles, calls };
}

/**
 * Collects events; `summary` renders them as "type" or "type:iteration" for order assertions
 * ("image-end:iteration:role", "role-progress:iteration:role:done/total").
 */
export function eventLog() {
  const events: LoopEvent[] = [];
  return {
    events,
    onEvent: (event: LoopEvent) => {
      events.push(event);
    },
    summary: () =>
      events.map((event) => {
        if (event.type === "image-end") return `image-end:${event.iteration}:${event.role}`;
        if (event.type === "role-progress") return `role-progress:${event.iteration}:${event.role}:${event.done}/${event.total}`;
        return "iteration" in event ? `${event.type}:${event.iteration}` : event.type;
      }),
  };
}
