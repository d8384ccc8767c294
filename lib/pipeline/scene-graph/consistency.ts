import { classifyPredicate } from "../metrics/predicates";
import type { GeometricClass } from "../metrics/spatial-geometry";
import { nodeText, type Relation, type SceneGraph } from "./schema";

/**
 * What makes a target scene graph one no image can satisfy, or one rl-rig cannot read: a predicate
 * no rule of the predicate table recognises, and relations that order objects in a cycle along one
 * axis ("A left of B", "B left of A"; "A on B", "B above A"). The web API refuses both before a run
 * is stored, and the visual target editor shows the same messages while the graph is drawn.
 */
export type GraphProblem =
  | { kind: "unknown-predicate"; relation: number; message: string }
  | { kind: "contradiction"; relations: number[]; message: string };

type Axis = "left-right" | "above-below" | "front-behind" | "inside";

/** Each ordering class as an edge "smaller -> larger" on one axis; `flip` when the subject is the larger end. */
const orderings: Partial<Record<GeometricClass, { axis: Axis; flip: boolean }>> = {
  left: { axis: "left-right", flip: false },
  right: { axis: "left-right", flip: true },
  above: { axis: "above-below", flip: false },
  on: { axis: "above-below", flip: false },
  below: { axis: "above-below", flip: true },
  under: { axis: "above-below", flip: true },
  "in-front": { axis: "front-behind", flip: false },
  behind: { axis: "front-behind", flip: true },
  inside: { axis: "inside", flip: false },
};

export function sceneGraphProblems(graph: SceneGraph): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const name = (id: string) => {
    const object = graph.objects.find((candidate) => candidate.id === id);
    return object ? nodeText(object) : id;
  };
  const describe = (relation: Relation) => `${name(relation.subject)} ${relation.predicate} ${name(relation.object)}`;
  const edges = new Map<Axis, Array<{ from: string; to: string; relation: number }>>();
  graph.relations.forEach((relation, index) => {
    const { geometricClass, known } = classifyPredicate(relation.predicate);
    if (!known) {
      problems.push({ kind: "unknown-predicate", relation: index, message: `relation ${index + 1} (${describe(relation)}): unknown predicate "${relation.predicate}"; use a spatial one such as left of, right of, above, below, on, under, in front of, behind, next to, inside` });
      return;
    }
    const ordering = orderings[geometricClass];
    if (!ordering) return;
    const [from, to] = ordering.flip ? [relation.object, relation.subject] : [relation.subject, relation.object];
    edges.set(ordering.axis, [...(edges.get(ordering.axis) ?? []), { from, to, relation: index }]);
  });
  for (const axisEdges of edges.values()) {
    const cycle = findCycle(axisEdges);
    if (cycle) {
      problems.push({ kind: "contradiction", relations: cycle, message: `these relations cannot all hold: ${cycle.map((index) => describe(graph.relations[index]!)).join(", ")}` });
    }
  }
  return problems;
}

/** The relation indices along one directed cycle, or null when the edges are acyclic (depth-first search). */
function findCycle(edges: ReadonlyArray<{ from: string; to: string; relation: number }>): number[] | null {
  const outgoing = new Map<string, Array<{ to: string; relation: number }>>();
  for (const edge of edges) outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge]);
  const done = new Set<string>();
  // The nodes on the current path, and the relation that leads from each to the next.
  const pathNodes: string[] = [];
  const pathRelations: number[] = [];
  const visit = (node: string): number[] | null => {
    pathNodes.push(node);
    for (const edge of outgoing.get(node) ?? []) {
      const onPath = pathNodes.indexOf(edge.to);
      if (onPath >= 0) return [...pathRelations.slice(onPath), edge.relation];
      if (done.has(edge.to)) continue;
      pathRelations.push(edge.relation);
      const found = visit(edge.to);
      if (found) return found;
      pathRelations.pop();
    }
    pathNodes.pop();
    done.add(node);
    return null;
  };
  for (const edge of edges) {
    if (done.has(edge.from)) continue;
    const found = visit(edge.from);
    if (found) return found;
  }
  return null;
}
