/**
 * Headers on every response. The Content-Security-Policy here restricts what needs no nonce
 * (framing, plugins, base URLs, images from this origin or data:/blob: URLs only, and forms posting
 * back here); a script-src with per-request nonces is still to come (issue 13).
 */
const securityHeaders = [
  {
    key: "Content-Security-Policy",
    value: "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'; img-src 'self' data: blob:",
  },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      // A share link's viewer must not tell other sites which link was opened.
      { source: "/s/:token*", headers: [{ key: "Referrer-Policy", value: "no-referrer" }] },
    ];
  },
  // Native libraries stay outside the server bundle (image libraries, SQLite and its Prisma adapter),
  // and so does TensorFlow.js for the local detector (it reads its .wasm and model files from node_modules).
  serverExternalPackages: [
    "@napi-rs/canvas",
    "sharp",
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@tensorflow/tfjs-core",
    "@tensorflow/tfjs-converter",
    "@tensorflow/tfjs-backend-cpu",
    "@tensorflow/tfjs-backend-wasm",
    "@tensorflow-models/coco-ssd",
  ],
};

export default nextConfig;
