import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel, ModelMessage } from "ai";
import { z } from "zod";
import { loadPrompt } from "./prompts";
import { generateStructured } from "./structured";
import { createHttpFetch, type FetchFunction } from "../http";
import { encodePng } from "../../image/png";
import type { RasterImage } from "../../image/raster";
import { normaliseText } from "../../metrics/scene-graph-iou";
import { buildCritique } from "../../roles/critique";
import { throwIfAborted } from "../../roles/errors";
import { matchObjects } from "../../roles/match-objects";
import type { Actor, ActorInput, CheckResult, Checker, Critique, Judge, Judgement, RoleCallOptions, RoleResult } from "../../roles/types";
import { nodeText, sceneGraphSchema, type SceneGraph } from "../../scene-graph/schema";

/**
 * Checker, Actor and Judge on a vision-language model behind an OpenAI-compatible chat
 * completions API (vLLM, Ollama, LM Studio, SGLang, OpenAI) through the AI SDK. Images go as PNG
 * data URLs; answers come as JSON by schema and are validated with zod (see `generateStructured`).
 */
export interface VlmRoleOptions {
  baseURL: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
  maxRetries?: number;
  maxValidationAttempts?: number;
  temperature?: number;
  /** Injectable for tests; every request goes through the shared HTTP client around it. */
  fetch?: FetchFunction;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  baseDelayMs?: number;
}

interface VlmContext {
  model: LanguageModel;
  secrets: string[];
  maxAttempts: number;
  temperature?: number;
}

function createContext(options: VlmRoleOptions): VlmContext {
  const secrets = options.apiKey ? [options.apiKey] : [];
  const fetch = createHttpFetch({
    timeoutMs: options.timeoutMs ?? 120_000,
    maxRetries: options.maxRetries ?? 2,
    ...(options.baseDelayMs !== undefined ? { baseDelayMs: options.baseDelayMs } : {}),
    secrets,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const provider = createOpenAICompatible({
    name: "openai-compatible",
    baseURL: options.baseURL.replace(/\/+$/, ""),
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    supportsStructuredOutputs: true,
    fetch,
  });
  return {
    model: provider.chatModel(options.model),
    secrets,
    maxAttempts: options.maxValidationAttempts ?? 3,
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
  };
}

async function userMessage(text: string, image: RasterImage): Promise<ModelMessage[]> {
  const png = await encodePng(image);
  return [{ role: "user", content: [{ type: "text", text }, { type: "file", data: new Uint8Array(png), mediaType: "image/png" }] }];
}

const unique = (values: string[]) => [...new Set(values)];

/** The answer schema for one target: labels and predicates restricted to the target's names. */
export function checkerAnswerSchema(target: SceneGraph) {
  const labels = unique(target.objects.map((object) => object.label));
  const predicates = unique(target.relations.map((relation) => relation.predicate));
  const unit = z.number().min(0).max(1);
  const relation = z.object({
    subject: z.string().min(1),
    predicate: predicates.length > 0 ? z.enum(predicates as [string, ...string[]]) : z.string(),
    object: z.string().min(1),
  });
  return z
    .object({
      objects: z.array(
        z.object({
          id: z.string().min(1),
          label: z.enum(labels as [string, ...string[]]),
          attributes: z.array(z.string()),
          box: z.object({ x: unit, y: unit, width: unit, height: unit }),
        }),
      ),
      relations: predicates.length > 0 ? z.array(relation) : z.array(relation).max(0),
    })
    .superRefine((answer, ctx) => {
      const ids = new Set<string>();
      answer.objects.forEach((object, index) => {
        if (ids.has(object.id)) ctx.addIssue({ code: "custom", path: ["objects", index, "id"], message: `duplicate id "${object.id}"` });
        ids.add(object.id);
        if (object.box.width <= 0 || object.box.height <= 0) ctx.addIssue({ code: "custom", path: ["objects", index, "box"], message: "width and height must be positive" });
      });
      answer.relations.forEach((relation, index) => {
        for (const end of ["subject", "object"] as const) {
          if (!ids.has(relation[end])) ctx.addIssue({ code: "custom", path: ["relations", index, end], message: `"${relation[end]}" is not the id of a reported object` });
        }
        if (relation.subject === relation.object) ctx.addIssue({ code: "custom", path: ["relations", index], message: "a relation joins two different objects" });
      });
    });
}

export class VlmChecker implements Checker {
  readonly name: string;
  readonly promptVersion: string;
  private readonly context: VlmContext;
  // v2 shows the target's attribute words and asks for those only: they are scored as written.
  private readonly prompt = loadPrompt("checker", 2);

  constructor(options: VlmRoleOptions) {
    this.context = createContext(options);
    this.name = `openai-compatible:${options.model}`;
    this.promptVersion = this.prompt.version;
  }

  async check(image: RasterImage, target: SceneGraph, options: RoleCallOptions): Promise<RoleResult & CheckResult> {
    throwIfAborted("checker", options.signal);
    const attributeWords = new Set(target.objects.flatMap((object) => object.attributes.map(normaliseText)));
    const text = this.prompt.render({
      objectNames: unique(target.objects.map((object) => object.label)).join(", "),
      attributeNames: [...attributeWords].join(", ") || "(none)",
      predicateNames: unique(target.relations.map((relation) => relation.predicate)).join(", ") || "(none)",
    });
    const { value, warnings } = await generateStructured({
      role: "checker",
      model: this.context.model,
      messages: await userMessage(text, image),
      schema: checkerAnswerSchema(target),
      maxAttempts: this.context.maxAttempts,
      seed: options.seed,
      ...(this.context.temperature !== undefined ? { temperature: this.context.temperature } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      secrets: this.context.secrets,
    });
    // Attributes are scored as part of the object's name: a word the target does not ask about
    // ("ceramic" on a "red cup") would turn a right answer into a wrong triple, so it is left out.
    const unasked = new Set<string>();
    const askedOnly = (attributes: readonly string[]) =>
      attributes.flatMap((raw) => {
        const attribute = raw.trim();
        if (!attribute) return [];
        if (attributeWords.has(normaliseText(attribute))) return [attribute];
        unasked.add(attribute);
        return [];
      });
    const detected = sceneGraphSchema.parse({
      objects: value.objects.map((object) => ({ id: object.id, label: object.label, attributes: askedOnly(object.attributes), box: object.box })),
      relations: value.relations,
    });
    if (unasked.size > 0) warnings.push(`left out attributes the target does not ask about: ${[...unasked].join(", ")}`);
    const holds = (predicate: string, subject: string, object: string) =>
      detected.relations.some((seen) => seen.subject === subject && seen.object === object && normaliseText(seen.predicate) === normaliseText(predicate));
    const matches = matchObjects(target, detected.objects, (relation, subject, object) => holds(relation.predicate, subject, object));
    const critique = buildCritique(target, detected, matches);
    return { detected, critique, warnings };
  }
}

function describeTarget(target: SceneGraph): string {
  const text = (id: string) => {
    const object = target.objects.find((candidate) => candidate.id === id);
    return object ? `${nodeText(object)} (${id})` : id;
  };
  const objects = target.objects.map((object) => `- ${text(object.id)}`);
  const relations = target.relations.map((relation) => `- ${text(relation.subject)} ${relation.predicate} ${text(relation.object)}`);
  return [...objects, ...(relations.length ? relations : ["- (no relations)"])].join("\n");
}

function describeCritique(critique: Critique): string {
  return critique.summary || "(no problems found)";
}

/** The Actor prompt's slots: the target, the critique, and the instructions already tried. */
export function actorPromptSlots(input: Pick<ActorInput, "target" | "critique" | "history">): Record<string, string> {
  return {
    target: describeTarget(input.target),
    critique: describeCritique(input.critique),
    history: input.history.length ? input.history.map((line, index) => `${index + 1}. ${line}`).join("\n") : "(none)",
  };
}

/**
 * The text the VLM Actor sends with the image (prompt actor.v1), for training data: a policy
 * trained on these prompts sees at inference exactly what it was trained on.
 */
export function actorPromptText(input: Pick<ActorInput, "target" | "critique" | "history">): { text: string; version: string } {
  const prompt = loadPrompt("actor");
  return { text: prompt.render(actorPromptSlots(input)), version: prompt.version };
}

export class VlmActor implements Actor {
  readonly name: string;
  readonly promptVersion: string;
  private readonly context: VlmContext;
  private readonly prompt = loadPrompt("actor");

  constructor(options: VlmRoleOptions) {
    this.context = createContext(options);
    this.name = `openai-compatible:${options.model}`;
    this.promptVersion = this.prompt.version;
  }

  private slots(input: ActorInput): Record<string, string> {
    return actorPromptSlots(input);
  }

  /** Several distinct candidate instructions, best first (for a trainer); prompt `actor-candidates.v1`. */
  async proposeInstructions(input: ActorInput, count: number, options: RoleCallOptions): Promise<RoleResult & { instructions: string[]; promptVersion: string }> {
    throwIfAborted("actor", options.signal);
    const prompt = loadPrompt("actor-candidates");
    const instruction = z.string().trim().min(3).max(500);
    const { value, warnings } = await generateStructured({
      role: "actor",
      model: this.context.model,
      messages: await userMessage(prompt.render({ ...this.slots(input), count: String(count) }), input.image),
      schema: z.object({
        instructions: z
          .array(instruction)
          .min(1)
          .max(count)
          .refine((list) => new Set(list.map((line) => line.toLowerCase())).size === list.length, "the instructions must differ"),
      }),
      maxAttempts: this.context.maxAttempts,
      seed: options.seed,
      ...(this.context.temperature !== undefined ? { temperature: this.context.temperature } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      secrets: this.context.secrets,
    });
    if (value.instructions.length < count) warnings.push(`actor: asked for ${count} candidates, the model gave ${value.instructions.length}`);
    return { instructions: value.instructions, promptVersion: prompt.version, warnings };
  }

  async act(input: ActorInput, options: RoleCallOptions): Promise<RoleResult & { instruction: string }> {
    throwIfAborted("actor", options.signal);
    const text = this.prompt.render(this.slots(input));
    const { value, warnings } = await generateStructured({
      role: "actor",
      model: this.context.model,
      messages: await userMessage(text, input.image),
      schema: z.object({ instruction: z.string().trim().min(3, "must be a non-empty imperative sentence").max(500) }),
      maxAttempts: this.context.maxAttempts,
      seed: options.seed,
      ...(this.context.temperature !== undefined ? { temperature: this.context.temperature } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      secrets: this.context.secrets,
    });
    return { instruction: value.instruction, warnings };
  }
}

export class VlmJudge implements Judge {
  readonly name: string;
  readonly promptVersion: string;
  private readonly context: VlmContext;
  private readonly prompt = loadPrompt("judge");

  constructor(options: VlmRoleOptions) {
    this.context = createContext(options);
    this.name = `openai-compatible:${options.model}`;
    this.promptVersion = this.prompt.version;
  }

  async judge(image: RasterImage, prompt: string, options: RoleCallOptions): Promise<RoleResult & Judgement> {
    throwIfAborted("judge", options.signal);
    const { value, warnings } = await generateStructured({
      role: "judge",
      model: this.context.model,
      messages: await userMessage(this.prompt.render({ prompt }), image),
      schema: z.object({ score: z.number().int().min(1).max(10), rationale: z.string().trim().min(1) }),
      maxAttempts: this.context.maxAttempts,
      seed: options.seed,
      ...(this.context.temperature !== undefined ? { temperature: this.context.temperature } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      secrets: this.context.secrets,
    });
    return { score: value.score, rationale: value.rationale, warnings };
  }
}
