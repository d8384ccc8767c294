import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", "generated/", "out/", "next-env.d.ts", "data/", "runs-out/", "test-results/", "playwright-report/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The pipeline is framework-free: the CLI, workers and trainers share it.
    files: ["lib/pipeline/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["next", "next/*", "react", "react-dom", "react/*", "@prisma/*", "prisma", "@/lib/db/*", "**/lib/db/*", "**/components/*"], message: "lib/pipeline must stay framework-free (no next, react, prisma or database imports)." },
          ],
        },
      ],
    },
  },
);
