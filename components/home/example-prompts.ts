/**
 * Example inputs from public benchmarks: GenEval's position split, T2I-CompBench's 2D and 3D
 * spatial splits, an RL-RIG-style triple list and a LAION-SG record.
 */
export interface ExamplePrompt {
  source: string;
  input: string;
}

const laionRecord = {
  img_id: "example",
  caption_ori: "a red cup left of a laptop on a wooden desk",
  items: [
    { item_id: 0, label: "cup", attributes: ["red"] },
    { item_id: 1, label: "laptop", attributes: [] },
    { item_id: 2, label: "desk", attributes: ["wooden"] },
  ],
  relations: [
    { triple_id: 0, item1: 0, relation: "left of", item2: 1 },
    { triple_id: 1, item1: 1, relation: "on", item2: 2 },
  ],
};

export const examplePrompts: ExamplePrompt[] = [
  { source: "GenEval position", input: "a photo of a dog right of a teddy bear" },
  { source: "GenEval position", input: "a photo of a wine glass above a kite" },
  { source: "T2I-CompBench spatial", input: "a bee on the right of a refrigerator" },
  { source: "T2I-CompBench spatial", input: "a girl on the top of a frog" },
  { source: "T2I-CompBench 3D", input: "a chair hidden by a mouse" },
  { source: "RL-RIG triples", input: "red cup left of laptop; laptop on desk; cat under desk" },
  { source: "LAION-SG record", input: JSON.stringify(laionRecord, null, 2) },
];
