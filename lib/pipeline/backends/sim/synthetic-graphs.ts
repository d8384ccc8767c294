import { createRng } from "./random";
import type { SceneGraph, SceneObject } from "../../scene-graph/schema";

/**
 * LAION-SG-format scene graphs of a chosen size, for benchmarks and calibration: the shared data
 * folder holds one real LAION-SG record, and the official splits are too large to ship. Objects
 * carry LAION-SG-style attributes (a colour the world can draw, or a texture/material word it
 * cannot), and relations use LAION-SG's free phrasing ("sitting on", "growing near", ...).
 *
 * Relations form a random tree over the objects (each new object relates to one placed before
 * it), so a graph never asks for a cycle such as A left of B left of C left of A.
 */
const nouns = [
  "dog", "cat", "cup", "laptop", "chair", "bench", "lamp", "book", "apple", "banana", "bird", "horse",
  "umbrella", "clock", "vase", "bottle", "ball", "teddy bear", "car", "bicycle", "tree", "flower", "cake",
  "guitar", "backpack", "pizza", "rabbit", "duck", "boat", "house",
] as const;

const visualAttributes = ["red", "blue", "green", "yellow", "purple", "orange", "pink", "white", "black", "small", "big"] as const;
const unseenAttributes = ["wooden", "old", "shiny", "fluffy", "plastic", "ceramic", "wet", "cozy", "vintage", "metal"] as const;

const relationPhrases = [
  "left of", "on the left of", "right of", "on the right of", "next to", "beside", "adjacent to", "near",
  "in front of", "standing in front of", "behind", "sitting behind", "above", "hanging above", "below",
  "sitting on", "on top of", "under", "lying under", "leaning against",
] as const;

export interface SyntheticGraphOptions {
  minObjects: number;
  maxObjects: number;
  /** Chance that an object carries one or two attributes. */
  attributeRate: number;
}

export const defaultSyntheticGraphOptions: SyntheticGraphOptions = { minObjects: 2, maxObjects: 6, attributeRate: 0.7 };

export function syntheticSceneGraph(seed: number, options: SyntheticGraphOptions = defaultSyntheticGraphOptions): SceneGraph {
  const rng = createRng(seed);
  const count = rng.integer(options.minObjects, options.maxObjects);
  const objects: SceneObject[] = [];
  for (let index = 0; index < count; index++) {
    const attributes: string[] = [];
    if (rng.chance(options.attributeRate)) attributes.push(rng.pick(visualAttributes));
    if (rng.chance(options.attributeRate / 2)) attributes.unshift(rng.pick(unseenAttributes));
    objects.push({ id: `item-${index}`, label: rng.pick(nouns), attributes: [...new Set(attributes)] });
  }
  const relations = objects.slice(1).map((object, offset) => {
    const anchor = objects[rng.integer(0, offset)]!;
    return { subject: object.id, predicate: rng.pick(relationPhrases), object: anchor.id };
  });
  return { objects, relations };
}
