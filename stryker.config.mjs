// Mutation testing of the decisions that guard an embargo: `npm run mutation` (not part of `npm test`).
// Mutated: the publication rules (which release fixes an advisory, whether it may be published, the
// disclosure check), the escaping of untrusted text, handle comparison, command authorization and the
// publish gate. The tests that must kill each mutant are fast unit tests (the gate's against nock).
// Results and survivors: docs/testing.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: [
    "src/domain/releases.ts",
    "src/domain/publication.ts",
    "src/domain/disclosure.ts",
    "src/domain/untrusted.ts",
    "src/domain/handles.ts",
    // Command authorization: who may run a verb, and which advisories of a case it may touch.
    "src/commands/env.ts:46-113",
    // The publish gate: the only function that sends `state: published`.
    "src/workflows/publish.ts:40-114",
  ],
  coverageAnalysis: "perTest",
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 1),
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
