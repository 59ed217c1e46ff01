/**
 * The disclosure check run before an advisory is published.
 *
 * The policy asks for a disclosure with an overview, details, the fix (usually an update) and
 * optionally a workaround. Before publishing, the app checks that the advisory says all of that, has
 * a severity, and names vulnerable and patched versions for every affected package, and that nobody
 * has put it on hold. Every problem is reported at once, so the patch team can fix them in one pass.
 *
 * Messages go into a comment on the private tracking issue. They never quote the advisory's
 * description: they name what is missing and how to add it.
 *
 * Pure: no I/O, no clock.
 */
import { MAX_DESCRIPTION_CHARS, MAX_DESCRIPTION_LINES, MIN_DETAIL_WORDS, readDescription } from "./description.js";

/** The part of a vulnerability entry this module reads (`repository-advisory-vulnerability`). */
export interface DisclosureVulnerability {
  package?: { ecosystem: string; name: string | null } | null;
  vulnerable_version_range: string | null;
  patched_versions: string | null;
}

interface CvssLike {
  vector_string: string | null;
}

/** The part of a repository advisory this module reads (`repository-advisory`). */
export interface DisclosureAdvisory {
  description: string | null;
  severity: string | null;
  cvss?: CvssLike | null;
  cvss_severities?: { cvss_v3?: CvssLike | null; cvss_v4?: CvssLike | null } | null;
  vulnerabilities: ReadonlyArray<DisclosureVulnerability> | null;
}

export interface DisclosureState {
  onHold: boolean;
  holdReason?: string;
}

export type DisclosureProblemCode =
  | "missing-overview"
  | "missing-details"
  | "missing-fix"
  | "missing-severity"
  | "no-vulnerabilities"
  | "missing-vulnerable-range"
  | "on-hold"
  /** Not a blocker: an entry with no patched version (see `disclosureWarnings`). */
  | "unpatched-entry";

export interface DisclosureProblem {
  code: DisclosureProblemCode;
  /** One sentence for a tracking-issue comment: what is missing and how to fix it. */
  message: string;
}

export { headingKinds, parseSections, readDescription, type Section, type SectionKind } from "./description.js";

/** GitHub's advisory template, filled in: the example a blocked notice gives. */
export function disclosureExample(version = "<version>"): string {
  return [
    "```markdown",
    "### Impact",
    "What kind of vulnerability it is, who is affected, and how it works: the affected component or",
    "function, and what an attacker can do with it.",
    "",
    "### Patches",
    `Fixed in ${version}. Users should upgrade to ${version} or later.`,
    "",
    "### Workarounds",
    "Optional: how users can protect themselves without upgrading.",
    "",
    "### References",
    "Links to the fix and to further reading.",
    "```",
  ].join("\n");
}

/** Problems that only an edit to the advisory's description fixes. */
export const DESCRIPTION_PROBLEMS: ReadonlySet<DisclosureProblemCode> = new Set([
  "missing-overview",
  "missing-details",
  "missing-fix",
]);

/** What the description lacks, by meaning (see `description.ts`), in plain words. Never quotes it. */
function descriptionProblems(description: string): DisclosureProblem[] {
  const reading = readDescription(description);
  const problems: DisclosureProblem[] = [];
  if (!reading.describes) {
    problems.push({
      code: "missing-overview",
      message:
        reading.overviewSection === "empty"
          ? "the description's '### Impact' (overview) section is empty — write what the vulnerability is and who is affected"
          : "the description does not say what the vulnerability is — add an overview under a '### Impact' heading: what kind of vulnerability it is and who is affected",
    });
  }
  if (!reading.detailsSection && reading.describingWords < MIN_DETAIL_WORDS) {
    problems.push({
      code: "missing-details",
      message:
        "the description says too little about how the vulnerability works — under '### Impact' (or a '### Details' heading), name the affected component or function and what an attacker can do with it",
    });
  }
  if (reading.fixSection !== "content" && !reading.fixStatement) {
    const fix =
      "name the release that fixes it and what users should upgrade to (e.g. 'Fixed in 2.6.1. Users should upgrade to 2.6.1.')";
    problems.push({
      code: "missing-fix",
      message:
        reading.fixSection === "empty"
          ? `the description's fix section is empty — under '### Patches', ${fix}`
          : reading.fixSection === "negated"
            ? `the description's fix section says there is no fix — once the fixing release is out, under '### Patches', ${fix}`
            : `the description does not say how users get the fix — add a '### Patches' section: ${fix}`,
    });
  }
  if (reading.stats.truncated) {
    const read = ` (only the first ${MAX_DESCRIPTION_LINES} lines and ${MAX_DESCRIPTION_CHARS} characters of the description are read)`;
    for (const problem of problems) problem.message += read;
  }
  return problems;
}

function hasCvssVector(advisory: DisclosureAdvisory): boolean {
  const vectors = [
    advisory.cvss?.vector_string,
    advisory.cvss_severities?.cvss_v3?.vector_string,
    advisory.cvss_severities?.cvss_v4?.vector_string,
  ];
  return vectors.some((v) => typeof v === "string" && v.trim() !== "");
}

function blank(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.trim() === "";
}

/** `vulnerability 2 (go oras.land/oras-go/v2)`; the package is metadata, not description text. */
function describeVulnerability(vulnerability: DisclosureVulnerability, index: number, count: number): string {
  const pkg = vulnerability.package;
  const name = pkg ? [pkg.ecosystem, pkg.name ?? ""].join(" ").trim() : "";
  const label = count > 1 ? `affected package ${index + 1}` : "the affected package";
  return name === "" ? label : `${label} (${name})`;
}

/** One line, bounded: the hold reason comes from a command, but stays tidy in a comment. */
function tidyReason(reason: string): string {
  const line = reason.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/**
 * Every reason the advisory may not be published yet; an empty list means it passes.
 *
 * Checks, in this order: the description says what the vulnerability is (an overview), says enough
 * about how it works (details: a details section, or enough prose — GitHub's `### Impact` carries
 * both), and says the fix (a fix section with content, or a fix statement such as "upgrade to 2.6.1"
 * anywhere in its prose; a workaround alone is not a fix), judged by meaning in `description.ts`;
 * a severity or CVSS vector; at least one affected package; a vulnerable version range and patched
 * versions for each; not on hold.
 */
export function disclosureCheck(advisory: DisclosureAdvisory, state: DisclosureState): DisclosureProblem[] {
  const problems: DisclosureProblem[] = descriptionProblems(advisory.description ?? "");

  if (blank(advisory.severity) && !hasCvssVector(advisory)) {
    problems.push({
      code: "missing-severity",
      message:
        "no severity or CVSS vector is set — comment `/advisory severity <low|medium|high|critical>` or `/advisory cvss <vector>`",
    });
  }

  const vulnerabilities = advisory.vulnerabilities ?? [];
  if (vulnerabilities.length === 0) {
    problems.push({
      code: "no-vulnerabilities",
      message:
        "no affected package is listed — add the package with its vulnerable version range and patched versions in the advisory",
    });
  }
  vulnerabilities.forEach((vulnerability, index) => {
    // An entry with no patched version (a deprecated package nothing will fix) does not block: see
    // `disclosureWarnings`.
    if (blank(vulnerability.patched_versions)) return;
    const which = describeVulnerability(vulnerability, index, vulnerabilities.length);
    if (blank(vulnerability.vulnerable_version_range)) {
      problems.push({
        code: "missing-vulnerable-range",
        message: `${which} has no vulnerable version range — set it in the advisory (e.g. '< 2.6.1'), or comment \`/advisory fixed-in <version>\`, which fills an empty range`,
      });
    }
  });

  if (state.onHold) {
    const reason = tidyReason(state.holdReason ?? "");
    problems.push({
      code: "on-hold",
      message:
        reason === ""
          ? "the advisory is on hold — a security-team member comments `/advisory unhold` to resume publication"
          : `the advisory is on hold (${reason}) — a security-team member comments \`/advisory unhold\` to resume publication`,
    });
  }
  return problems;
}

/**
 * What the disclosure check notes without blocking: each vulnerability entry that names no patched
 * version (a deprecated package, range `>= 0`). The advisory publishes once every entry that names a
 * patched version is released; these entries are disclosed as unfixed.
 */
export function disclosureWarnings(advisory: Pick<DisclosureAdvisory, "vulnerabilities">): DisclosureProblem[] {
  const vulnerabilities = advisory.vulnerabilities ?? [];
  return vulnerabilities.flatMap((vulnerability, index) =>
    blank(vulnerability.patched_versions)
      ? [
          {
            code: "unpatched-entry",
            message: `${describeVulnerability(vulnerability, index, vulnerabilities.length)} names no patched version: it will stay unfixed — the advisory is published without a fix for it once the other entries' releases are out. If a release will fix it, set its patched version (\`/advisory fixed-in <version>\`).`,
          },
        ]
      : [],
  );
}
