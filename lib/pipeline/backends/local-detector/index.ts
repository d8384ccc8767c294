import { LocalDetectorChecker } from "./checker";
import { parseLocalDetectorOptions } from "./options";

/**
 * The local detector back end (kind "local-detector", Checker only). Importing this module is
 * cheap: TensorFlow.js and the model load on the first check.
 */
export { LocalDetectorChecker } from "./checker";
export { cocoClasses, cocoClassOf } from "./coco-labels";
export { localDetectorOptionsSchema, type LocalDetectorOptions } from "./options";
export { probeLocalDetector, type LocalDetectorProbe } from "./probe";

/** A Checker from a profile's free `options` record (validated; a ConfigError names what is wrong). */
export function createLocalDetectorChecker(options: unknown = {}): LocalDetectorChecker {
  return new LocalDetectorChecker(parseLocalDetectorOptions(options));
}
