import { z } from "zod";
import { sceneGraphSchema, type SceneGraph } from "./schema";

/**
 * LAION-SG annotation records (mengcye/LAION-SG; the train/val/test splits are JSON arrays of these):
 * `items[{item_id, label, attributes[], global_item_id}]`, `relations[{triple_id, item1, relation,
 * item2, global_relation_id}]` plus image metadata. Unknown fields are kept (loose objects), so a
 * record read and written again loses nothing we do not understand.
 *
 * The published loader (sgEncoderTraining/datasets/laion_dataset.py, LAIONSceneGraphDataset
 * .__getitem__) builds node text as `" ".join(attributes) + " " + label`, triples as
 * `{item1: node text, relation, item2: node text}`, and lists items in no relation as isolated
 * items. For an item with no attributes that string starts with a space; `nodeText` in schema.ts
 * omits it, and the metrics trim before comparing, so the two agree everywhere they are used.
 */

const metadataValue = z.union([z.string(), z.number()]);

export const laionItemSchema = z.looseObject({
  item_id: z.number().int().nonnegative(),
  label: z.string().trim().min(1, "item label must not be empty"),
  attributes: z.array(z.string().trim().min(1)).default([]),
  /** Present in the published splits; records written from a scene graph have none. */
  global_item_id: z.number().int().optional(),
});
export type LaionItem = z.infer<typeof laionItemSchema>;

export const laionRelationSchema = z.looseObject({
  triple_id: z.number().int().nonnegative(),
  item1: z.number().int().nonnegative(),
  relation: z.string().trim().min(1, "relation must not be empty"),
  item2: z.number().int().nonnegative(),
  global_relation_id: z.number().int().optional(),
});
export type LaionRelation = z.infer<typeof laionRelationSchema>;

export const laionRecordSchema = z.looseObject({
  img_id: metadataValue.optional(),
  name: z.string().optional(),
  caption_ori: z.string().optional(),
  score: metadataValue.optional(),
  url: z.string().optional(),
  items: z.array(laionItemSchema),
  relations: z.array(laionRelationSchema).default([]),
});
export type LaionRecord = z.infer<typeof laionRecordSchema>;

export class LaionRecordError extends Error {
  override name = "LaionRecordError";
}

const ITEM_ID_PREFIX = "item-";

/** The scene-graph object id for a LAION-SG item: `item-<item_id>`, stable across reads. */
export function laionObjectId(itemId: number): string {
  return `${ITEM_ID_PREFIX}${itemId}`;
}

/**
 * Convert a LAION-SG record to the canonical scene graph. Each item becomes one object (two items
 * with the same label stay two objects); each relation becomes one relation, its predicate kept as
 * written. Throws LaionRecordError for duplicate item ids, relations that name a missing item, and
 * relations that join an item to itself.
 */
export function laionRecordToSceneGraph(input: unknown): SceneGraph {
  const record = laionRecordSchema.parse(input);
  const ids = new Set<number>();
  for (const item of record.items) {
    if (ids.has(item.item_id)) throw new LaionRecordError(`duplicate item_id ${item.item_id} in LAION-SG record`);
    ids.add(item.item_id);
  }
  for (const relation of record.relations) {
    for (const end of ["item1", "item2"] as const) {
      if (!ids.has(relation[end])) {
        throw new LaionRecordError(
          `relation triple_id ${relation.triple_id} refers to ${end} ${relation[end]}, which is not an item_id in the record`,
        );
      }
    }
    if (relation.item1 === relation.item2) {
      throw new LaionRecordError(`relation triple_id ${relation.triple_id} joins item ${relation.item1} to itself`);
    }
  }
  return sceneGraphSchema.parse({
    objects: record.items.map((item) => ({ id: laionObjectId(item.item_id), label: item.label, attributes: item.attributes })),
    relations: record.relations.map((relation) => ({
      subject: laionObjectId(relation.item1),
      predicate: relation.relation,
      object: laionObjectId(relation.item2),
    })),
  });
}

/**
 * Convert a scene graph to a LAION-SG record. Objects whose ids are all `item-<n>` (as produced by
 * `laionRecordToSceneGraph`) keep n as item_id; otherwise items are numbered 0, 1, 2 ... in object
 * order. triple_id is the relation's index. Global ids and image metadata are not part of a scene
 * graph, so they are left out; pass `metadata` to carry them.
 */
export function sceneGraphToLaionRecord(
  graph: SceneGraph,
  metadata: Pick<LaionRecord, "img_id" | "name" | "caption_ori" | "score" | "url"> = {},
): LaionRecord {
  const itemIds = new Map<string, number>();
  const parsed = graph.objects.map((object) => {
    const match = new RegExp(`^${ITEM_ID_PREFIX}(\\d+)$`).exec(object.id);
    return match ? Number(match[1]) : undefined;
  });
  const keepIds = parsed.every((id) => id !== undefined) && new Set(parsed).size === parsed.length;
  graph.objects.forEach((object, index) => itemIds.set(object.id, keepIds ? parsed[index]! : index));
  const itemIdOf = (objectId: string): number => {
    const itemId = itemIds.get(objectId);
    if (itemId === undefined) throw new LaionRecordError(`relation refers to object "${objectId}", which is not in the scene graph`);
    return itemId;
  };
  return {
    ...metadata,
    items: graph.objects.map((object) => ({ item_id: itemIds.get(object.id)!, label: object.label, attributes: [...object.attributes] })),
    relations: graph.relations.map((relation, index) => ({
      triple_id: index,
      item1: itemIdOf(relation.subject),
      relation: relation.predicate,
      item2: itemIdOf(relation.object),
    })),
  };
}

/** Node text exactly as LAION-SG's loader builds it, leading space included when there are no attributes. */
export function laionLoaderNodeText(item: Pick<LaionItem, "label" | "attributes">): string {
  return `${item.attributes.join(" ")} ${item.label}`;
}
