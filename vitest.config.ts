import { defineConfig } from "vitest/config";
import path from "node:path";

// Two projects: fast pure unit tests, and integration tests that talk to real
// servers (PGlite/PostgreSQL, LDAP, SCIM). `npm test` runs both (scripts/test.mjs).
export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname, ".") } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "db/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          testTimeout: 60_000,
          setupFiles: ["lib/testing/clock-shift.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "int",
          include: ["**/*.int.test.ts"],
          exclude: ["node_modules/**", "e2e/**"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          setupFiles: ["lib/testing/clock-shift.ts"],
          fileParallelism: false,
        },
      },
    ],
  },
});
