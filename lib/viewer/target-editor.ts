import { canonicalPhrase } from "../pipeline/metrics/predicates";
import { geometricClasses } from "../pipeline/metrics/spatial-geometry";
import { sceneGraphProblems } from "../pipeline/scene-graph/consistency";
import { sceneGraphToLaionRecord } from "../pipeline/scene-graph/laion-sg";
import { sceneGraphToPromptText } from "../pipeline/scene-graph/prompt-text";
import { sceneGraphSchema, type Relation, type SceneGraph } from "../pipeline/scene-graph/schema";
import { describeIssues } from "../pipeline/scene-graph/parse-input";

/**
 * The visual target editor's model, free of React and Konva: objects with a place on the canvas
 * (0..1 on both axes; the place helps the person think, the target itself has no boxes), relation
 * triples, and what the editor shows live: the scene graph, its prompt text, its LAION-SG record
 * and every problem the API would refuse it for.
 */
export interface EditorObject {
  id: string;
  label: string;
  attributes: string[];
  x: number;
  y: number;
}

export interface EditorState {
  objects: EditorObject[];
  relations: Relation[];
}

export const emptyEditor: EditorState = { objects: [], relations: [] };

/** The predicates offered in the editor's lists: one per geometric class rl-rig can check. */
export const editorPredicates: readonly string[] = geometricClasses.map((geometricClass) => canonicalPhrase(geometricClass));

/** "red, small" or "red small" -> ["red", "small"]. */
export function parseAttributes(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((word) => word.trim().toLowerCase()).filter(Boolean))];
}

function idFor(label: string, taken: ReadonlySet<string>): string {
  const base = label.trim().toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "object";
  for (let n = 1; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Places new objects on a loose 3-column grid so they never land on top of each other. */
function freeSpot(count: number): { x: number; y: number } {
  const column = count % 3;
  const row = Math.floor(count / 3) % 3;
  return { x: 0.18 + column * 0.32, y: 0.2 + row * 0.3 };
}

export function addObject(state: EditorState, label: string, attributes: string[]): EditorState {
  const trimmed = label.trim().toLowerCase();
  if (!trimmed) return state;
  const id = idFor(trimmed, new Set(state.objects.map((object) => object.id)));
  return { ...state, objects: [...state.objects, { id, label: trimmed, attributes, ...freeSpot(state.objects.length) }] };
}

export function moveObject(state: EditorState, id: string, x: number, y: number): EditorState {
  const clamp = (value: number) => Math.min(1, Math.max(0, value));
  return { ...state, objects: state.objects.map((object) => (object.id === id ? { ...object, x: clamp(x), y: clamp(y) } : object)) };
}

/** Removes the object and every relation that names it. */
export function removeObject(state: EditorState, id: string): EditorState {
  return { objects: state.objects.filter((object) => object.id !== id), relations: state.relations.filter((relation) => relation.subject !== id && relation.object !== id) };
}

export function addRelation(state: EditorState, relation: Relation): EditorState {
  const predicate = relation.predicate.trim();
  const same = (other: Relation) => other.subject === relation.subject && other.object === relation.object && other.predicate === predicate;
  if (state.relations.some(same)) return state;
  return { ...state, relations: [...state.relations, { ...relation, predicate }] };
}

export function setPredicate(state: EditorState, index: number, predicate: string): EditorState {
  return { ...state, relations: state.relations.map((relation, at) => (at === index ? { ...relation, predicate } : relation)) };
}

export function removeRelation(state: EditorState, index: number): EditorState {
  return { ...state, relations: state.relations.filter((_, at) => at !== index) };
}

export function toSceneGraph(state: EditorState): SceneGraph {
  return {
    objects: state.objects.map(({ id, label, attributes }) => ({ id, label, attributes })),
    relations: state.relations.map(({ subject, predicate, object }) => ({ subject, predicate, object })),
  };
}

export interface EditorView {
  graph: SceneGraph;
  /** What the Diffuser would draw: the graph written as a prompt. */
  promptText: string;
  laionSg: string;
  /** Everything that keeps the API from accepting the target, in words; empty when it can run. */
  problems: string[];
}

export function viewOf(state: EditorState): EditorView {
  const graph = toSceneGraph(state);
  const problems: string[] = [];
  if (graph.objects.length === 0) problems.push("add at least one object");
  const parsed = sceneGraphSchema.safeParse(graph);
  if (!parsed.success) problems.push(describeIssues(parsed.error));
  else problems.push(...sceneGraphProblems(parsed.data).map((problem) => problem.message));
  return {
    graph,
    promptText: graph.objects.length > 0 ? sceneGraphToPromptText(graph) : "",
    laionSg: JSON.stringify(sceneGraphToLaionRecord(graph), null, 2),
    problems,
  };
}
