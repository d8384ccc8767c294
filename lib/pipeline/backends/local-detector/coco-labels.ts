import { normaliseText } from "../../metrics/scene-graph-iou";

/**
 * The 80 COCO classes, spelled as the COCO-SSD model reports them, and the one small table of
 * words that mean the same thing. A target label maps to a COCO class when it is the class's name,
 * a listed synonym, or a plural of either ("dogs", "people" is listed); anything else is outside
 * what the detector can see and is reported as unsupported.
 */
export const cocoClasses = [
  "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
  "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
  "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
  "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
  "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
  "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed",
  "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven",
  "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
] as const;
export type CocoClass = (typeof cocoClasses)[number];

/** Everyday words for a COCO class (GenEval's and T2I-CompBench's prompts use several of them). */
const synonyms: Partial<Record<CocoClass, readonly string[]>> = {
  person: [
    "man", "woman", "boy", "girl", "child", "kid", "people", "men", "women", "children", "kids", "lady", "guy",
    "gentleman", "baby", "human", "adult", "teenager", "player", "pedestrian",
  ],
  bicycle: ["bike"],
  car: ["automobile"],
  motorcycle: ["motorbike"],
  airplane: ["aeroplane", "plane", "aircraft", "jet"],
  "sports ball": ["ball", "football", "soccer ball", "basketball", "tennis ball", "volleyball"],
  couch: ["sofa"],
  tv: ["television", "tv monitor", "television set", "monitor"],
  "dining table": ["table"],
  "cell phone": ["phone", "mobile phone", "smartphone", "cellphone", "mobile"],
  "potted plant": ["plant", "houseplant", "pot plant"],
  donut: ["doughnut"],
  "hair drier": ["hair dryer", "hairdryer"],
  cup: ["mug"],
  remote: ["remote control"],
  refrigerator: ["fridge"],
  handbag: ["purse"],
  dog: ["puppy"],
  cat: ["kitten"],
};

const byWord = new Map<string, CocoClass>();
for (const name of cocoClasses) byWord.set(name, name);
for (const [name, words] of Object.entries(synonyms) as [CocoClass, readonly string[]][]) {
  for (const word of words) {
    if (byWord.has(word)) throw new Error(`coco-labels: "${word}" is listed twice`);
    byWord.set(word, name);
  }
}

/** The COCO class a target label names, or undefined when the detector cannot see it. */
export function cocoClassOf(label: string): CocoClass | undefined {
  const word = normaliseText(label);
  const direct = byWord.get(word);
  if (direct) return direct;
  // Plurals by a trailing -s or -es only ("cups", "buses"): no stemmer for a detector check.
  for (const singular of [word.replace(/es$/, ""), word.replace(/s$/, "")]) {
    if (singular !== word && byWord.has(singular)) return byWord.get(singular);
  }
  return undefined;
}
