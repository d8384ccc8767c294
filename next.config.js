/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native libraries stay outside the server bundle (image libraries, SQLite and its Prisma adapter).
  serverExternalPackages: ["@napi-rs/canvas", "sharp", "better-sqlite3", "@prisma/adapter-better-sqlite3"],
};

export default nextConfig;
