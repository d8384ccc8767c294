import { z } from "zod";

/**
 * The one canonical scene graph. Every converter (LAION-SG, GenEval, T2I-CompBench, DSG, text)
 * produces it, every role consumes it, and the metrics read it.
 *
 * Boxes are normalised to the image (0..1, origin top-left, y down) so they survive resizing.
 * `depth` is relative distance from the camera: larger means farther away. Only detected
 * objects carry box and depth; target graphs leave them out.
 */
export const boxSchema = z
  .object({
    x: z.number().min(-0.5).max(1.5),
    y: z.number().min(-0.5).max(1.5),
    width: z.number().positive().max(2),
    height: z.number().positive().max(2),
  })
  .strict();
export type Box = z.infer<typeof boxSchema>;

export const sceneObjectSchema = z
  .object({
    id: z.string().min(1, "object id must not be empty"),
    label: z.string().trim().min(1, "object label must not be empty"),
    attributes: z.array(z.string().trim().min(1)).default([]),
    box: boxSchema.optional(),
    depth: z.number().optional(),
    /** The reader's confidence 0..1 that the object is there (a detector's score), when it has one. */
    confidence: z.number().min(0).max(1).optional(),
  })
  .strict();
export type SceneObject = z.infer<typeof sceneObjectSchema>;

export const relationSchema = z
  .object({
    subject: z.string().min(1),
    predicate: z.string().trim().min(1, "relation predicate must not be empty"),
    object: z.string().min(1),
  })
  .strict();
export type Relation = z.infer<typeof relationSchema>;

export const sceneGraphSchema = z
  .object({
    objects: z.array(sceneObjectSchema),
    relations: z.array(relationSchema).default([]),
  })
  .strict()
  .superRefine((graph, ctx) => {
    const ids = new Set<string>();
    graph.objects.forEach((object, index) => {
      if (ids.has(object.id)) {
        ctx.addIssue({ code: "custom", path: ["objects", index, "id"], message: `duplicate object id "${object.id}"` });
      }
      ids.add(object.id);
    });
    graph.relations.forEach((relation, index) => {
      for (const end of ["subject", "object"] as const) {
        if (!ids.has(relation[end])) {
          ctx.addIssue({
            code: "custom",
            path: ["relations", index, end],
            message: `relation ${end} "${relation[end]}" is not the id of any object`,
          });
        }
      }
      if (relation.subject === relation.object) {
        ctx.addIssue({ code: "custom", path: ["relations", index], message: "a relation must join two different objects" });
      }
    });
  });
export type SceneGraph = z.infer<typeof sceneGraphSchema>;

/** Node text as the LAION-SG loader builds it: attributes joined by spaces, then the label. */
export function nodeText(object: Pick<SceneObject, "label" | "attributes">): string {
  return [...object.attributes, object.label].join(" ");
}

export function objectById(graph: SceneGraph, id: string): SceneObject | undefined {
  return graph.objects.find((object) => object.id === id);
}
