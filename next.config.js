/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native image libraries stay outside the server bundle.
  serverExternalPackages: ["@napi-rs/canvas", "sharp"],
};

export default nextConfig;
