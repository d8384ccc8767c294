import { nodeText, objectById, type SceneGraph } from "./schema";

/**
 * Scene graph -> prompt text in the RL-RIG / LAION-SG style: one clause per triple,
 * "<subject node text> <predicate> <object node text>", clauses joined by "; ", then every object
 * that takes part in no relation, by its node text, also "; "-joined.
 *
 * Articles: none are added. Node text is exactly `nodeText` (attributes then label, as LAION-SG's
 * loader writes it), because (1) the SG-IoU family compares these strings, so the prompt and the
 * metrics see the same words; (2) "a" would need number agreement with plural labels such as
 * LAION-SG's "trees"; and (3) `parsePrompt` reads the text back without needing them.
 *
 * Repeated objects are written once per triple they take part in (the example LAION-SG record says
 * "leafless slender trees growing near reflective calm river" twice, for two tree items); since
 * `parsePrompt` treats equal node texts in one prompt as the same object, text -> graph merges them.
 */
export function sceneGraphToPromptText(graph: SceneGraph): string {
  const related = new Set<string>();
  const clauses = graph.relations.map((relation) => {
    related.add(relation.subject);
    related.add(relation.object);
    return `${textOf(graph, relation.subject)} ${relation.predicate.trim()} ${textOf(graph, relation.object)}`;
  });
  for (const object of graph.objects) {
    if (!related.has(object.id)) clauses.push(nodeText(object));
  }
  return clauses.join("; ");
}

function textOf(graph: SceneGraph, id: string): string {
  const object = objectById(graph, id);
  if (!object) throw new Error(`relation refers to object "${id}", which is not in the scene graph`);
  return nodeText(object);
}
