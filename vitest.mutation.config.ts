import { defineConfig } from "vitest/config";

// The unit tests of the publication rules, for `npm run mutation` (Stryker runs them per mutant).
export default defineConfig({
  test: {
    include: ["test/unit/releases.test.ts", "test/unit/publication.test.ts", "test/unit/disclosure.test.ts"],
    setupFiles: ["test/setup.ts"],
    pool: "forks",
  },
});
