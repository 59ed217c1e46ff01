import { defineConfig } from "vitest/config";

// The unit tests of the guarded decisions, for `npm run mutation` (Stryker runs them per mutant).
export default defineConfig({
  test: {
    include: [
      "test/unit/releases.test.ts",
      "test/unit/publication.test.ts",
      "test/unit/disclosure.test.ts",
      "test/unit/disclosure-meaning.test.ts",
      "test/unit/disclosure-messages.test.ts",
      "test/unit/untrusted.test.ts",
      "test/unit/handles.test.ts",
      "test/unit/authorization.test.ts",
      "test/unit/publish-gate-decisions.test.ts",
      "test/security/state-escape.property.test.ts",
    ],
    setupFiles: ["test/setup.ts"],
    pool: "forks",
  },
});
