import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Tests run without the Remix Vite plugin: routes are imported as modules and their loaders,
// actions and components are exercised directly.
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["test/**/*.test.{ts,tsx}", "extensions/**/*.test.{ts,tsx}"],
    exclude: ["**/node_modules/**", "test/browser/**"],
    setupFiles: ["test/setup/env.ts", "test/setup/dom.ts"],
    globalSetup: ["test/setup/global.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
