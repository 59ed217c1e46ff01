/** Package ecosystems accepted by GitHub's repository security advisory API. */
export const PACKAGE_ECOSYSTEMS = [
  "rubygems",
  "npm",
  "pip",
  "maven",
  "nuget",
  "composer",
  "go",
  "rust",
  "erlang",
  "actions",
  "pub",
  "other",
  "swift",
] as const;

export type PackageEcosystem = (typeof PACKAGE_ECOSYSTEMS)[number];
