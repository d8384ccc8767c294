// A stand-in for @tensorflow/tfjs-node (see package.json here and the root package.json's
// "overrides"). rl-rig never loads it: the local detector runs on @tensorflow/tfjs-backend-wasm.
throw new Error(
  "@tensorflow/tfjs-node is a stub in rl-rig (vendor/tfjs-node-stub): its real install downloads a " +
    "native binary from outside the npm registry. Use @tensorflow/tfjs-core with @tensorflow/tfjs-backend-wasm " +
    "(lib/pipeline/backends/local-detector) instead.",
);
