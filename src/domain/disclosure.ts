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

/** Kinds of description section the check recognizes. */
export type SectionKind = "overview" | "details" | "fix" | "workaround" | "references";

/**
 * Words in a heading that give its meaning, matched case-insensitively on whole words.
 * "Mitigation" is a workaround, not a fix: it never satisfies the fix requirement.
 */
const SECTION_WORDS: Record<SectionKind, readonly string[]> = {
  overview: ["impact", "overview", "summary"],
  details: ["details", "detail", "description", "poc", "proof of concept", "root cause"],
  fix: ["patches", "patch", "patched", "fix", "fixes", "fixed", "remediation", "resolution", "solution"],
  workaround: ["workaround", "workarounds", "mitigation", "mitigations"],
  references: ["references", "reference", "resources", "links"],
};

const KINDS = Object.keys(SECTION_WORDS) as SectionKind[];

/** The kinds a heading's text stands for (possibly several, e.g. "Summary and details"). */
export function headingKinds(title: string): SectionKind[] {
  const words = ` ${title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()} `;
  return KINDS.filter((kind) => SECTION_WORDS[kind].some((w) => words.includes(` ${w} `)));
}

export interface Section {
  /** 1–6 for `#` headings; 7 for a bold line (`**Impact**`), which nests under any `#` heading. */
  level: number;
  kinds: SectionKind[];
  /** True when the section has content of its own: text other than headings, comments, placeholders. */
  hasContent: boolean;
}

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
/** A line that starts with a bold label: `**Impact**`, `**Impact:**`, `__Patches__: upgrade to …`. */
const BOLD_LABEL = /^ {0,3}(\*\*|__)(.+?)\1[ \t]*:?[ \t]*(.*)$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * An italic prompt line such as GitHub's advisory template leaves in place
 * (`_Has the problem been patched? What versions should users upgrade to?_`): not content.
 */
const PLACEHOLDER = /^\s*([_*])[^_*].*\?\s*\1\s*$/;

interface Heading {
  line: number;
  level: number;
  kinds: SectionKind[];
  inlineText: string;
}

/**
 * Split a markdown description into its sections. Headings inside fenced code blocks are text.
 * A bold line counts as a heading only when it names a recognized section; otherwise it is text.
 */
export function parseSections(markdown: string): Section[] {
  // HTML comments never count as content; drop them first (they may span lines).
  const lines = markdown.replace(/<!--[\s\S]*?(?:-->|$)/g, "").split(/\r?\n/);
  const headings: Heading[] = [];
  const fenced: boolean[] = [];
  let fence: string | null = null;
  lines.forEach((line, index) => {
    const fenceMatch = FENCE.exec(line);
    if (fence !== null) {
      fenced[index] = true;
      if (fenceMatch?.[1] !== undefined && fenceMatch[1][0] === fence[0] && fenceMatch[1].length >= fence.length) {
        fence = null;
      }
      return;
    }
    if (fenceMatch?.[1] !== undefined) {
      fence = fenceMatch[1];
      fenced[index] = true;
      return;
    }
    fenced[index] = false;
    const atx = ATX_HEADING.exec(line);
    if (atx?.[1] !== undefined) {
      headings.push({ line: index, level: atx[1].length, kinds: headingKinds(atx[2] ?? ""), inlineText: "" });
      return;
    }
    const bold = BOLD_LABEL.exec(line);
    if (bold?.[2] !== undefined) {
      const kinds = headingKinds(bold[2]);
      if (kinds.length > 0) headings.push({ line: index, level: 7, kinds, inlineText: bold[3] ?? "" });
    }
  });

  // A nested heading's own line says nothing, except the text after a bold label (`**Fix**: upgrade`).
  const headingText = new Map(headings.map((h) => [h.line, h.inlineText]));
  return headings.map((heading, i) => {
    const next = headings.slice(i + 1).find((h) => h.level <= heading.level);
    const end = next?.line ?? lines.length;
    let hasContent = isContent(heading.inlineText);
    for (let n = heading.line + 1; n < end && !hasContent; n++) {
      const inline = headingText.get(n);
      if (inline !== undefined) hasContent = isContent(inline);
      else hasContent = fenced[n] === true ? isCode(lines[n] ?? "") : isContent(lines[n] ?? "");
    }
    return { level: heading.level, kinds: heading.kinds, hasContent };
  });
}

/** Any line inside a code block is content, except the fence markers themselves. */
function isCode(line: string): boolean {
  return line.trim() !== "" && !FENCE.test(line);
}

function isContent(line: string): boolean {
  const text = line.trim();
  if (text === "" || PLACEHOLDER.test(text)) return false;
  // A line of only markdown punctuation (a rule, an empty list item, an empty quote) says nothing.
  return /[\p{L}\p{N}]/u.test(text);
}

const SECTION_PROBLEMS: ReadonlyArray<{
  kind: SectionKind;
  code: DisclosureProblemCode;
  what: string;
  heading: string;
  says: string;
}> = [
  {
    kind: "overview",
    code: "missing-overview",
    what: "overview",
    heading: "### Impact",
    says: "what kind of vulnerability it is and who is affected",
  },
  {
    kind: "details",
    code: "missing-details",
    what: "details",
    heading: "### Details",
    says: "how the vulnerability works and which component is affected",
  },
  {
    kind: "fix",
    code: "missing-fix",
    what: "fix",
    heading: "### Patches",
    says: "which release fixes it and what users should upgrade to",
  },
];

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
 * Checks, in this order: an overview/impact section, a details section and a fix section in the
 * description, each with content (an empty section, or one holding only the template's prompt, is
 * missing; a workarounds section is optional); a severity or CVSS vector; at least one affected
 * package; a vulnerable version range and patched versions for each; not on hold.
 */
export function disclosureCheck(advisory: DisclosureAdvisory, state: DisclosureState): DisclosureProblem[] {
  const problems: DisclosureProblem[] = [];
  const sections = parseSections(advisory.description ?? "");

  for (const item of SECTION_PROBLEMS) {
    const matching = sections.filter((s) => s.kinds.includes(item.kind));
    if (matching.some((s) => s.hasContent)) continue;
    const message =
      matching.length === 0
        ? `description has no ${item.what} section — add a '${item.heading}' heading that says ${item.says}`
        : `the description's ${item.what} section is empty — under '${item.heading}', write ${item.says}`;
    problems.push({ code: item.code, message });
  }

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
