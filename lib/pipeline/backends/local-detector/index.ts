import { LocalDetectorChecker } from "./checker";
import { LocalDetectorJudge } from "./judge";
import { parseLocalDetectorOptions } from "./options";

/**
 * The local detector back end (kind "local-detector": Checker and Judge). Importing this module is
 * cheap: TensorFlow.js and the model load on the first check.
 */
export { LocalDetectorChecker } from "./checker";
export { LocalDetectorJudge } from "./judge";
export { cocoClasses, cocoClassOf } from "./coco-labels";
export { localDetectorOptionsSchema, type LocalDetectorOptions } from "./options";
export { probeLocalDetector, type LocalDetectorProbe } from "./probe";

/** A Checker from a profile's free `options` record (validated; a ConfigError names what is wrong). */
export function createLocalDetectorChecker(options: unknown = {}): LocalDetectorChecker {
  return new LocalDetectorChecker(parseLocalDetectorOptions(options));
}

/** A Judge from a profile's free `options` record (validated like the Checker's). */
export function createLocalDetectorJudge(options: unknown = {}): LocalDetectorJudge {
  return new LocalDetectorJudge(parseLocalDetectorOptions(options));
}
