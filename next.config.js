/** @type {import('next').NextConfig} */
const nextConfig = {
  // Security headers (CSP with a nonce per response, nosniff, framing, referrers) are set by the
  // server in front of Next.js, lib/server/http-server.ts, which also owns access control.
  poweredByHeader: false,
  // The evaluation upload is a server action carrying a data set of up to 2 MB (MAX_DATASET_BYTES);
  // bin/server.ts caps every request body at that plus 64 kB before Next.js reads it.
  experimental: { serverActions: { bodySizeLimit: "3mb" } },
  // Native libraries stay outside the server bundle (image libraries, SQLite and its Prisma adapter),
  // and so does TensorFlow.js for the local detector (it reads its .wasm and model files from node_modules).
  serverExternalPackages: [
    "@napi-rs/canvas",
    "sharp",
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "pg",
    "@aws-sdk/client-s3",
    "@tensorflow/tfjs-core",
    "@tensorflow/tfjs-converter",
    "@tensorflow/tfjs-backend-cpu",
    "@tensorflow/tfjs-backend-wasm",
    "@tensorflow-models/coco-ssd",
  ],
};

export default nextConfig;
