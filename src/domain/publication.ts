/**
 * Whether a draft advisory may be published now, decided from data: its fixing release(s) must be
 * published (and eligible under the configuration) and it must pass the disclosure check.
 */
import { type DisclosureAdvisory, type DisclosureProblem, disclosureCheck } from "./disclosure.js";
import {
  type PublicationOptions,
  publicationReadiness,
  type ReleaseLike,
  type ReleaseMatchAdvisory,
} from "./releases.js";
import { escapeUntrusted } from "./untrusted.js";

export type PublicationAdvisory = ReleaseMatchAdvisory & DisclosureAdvisory & { state: string };

export type PublicationVerdict<R extends ReleaseLike> =
  | { kind: "not-draft" }
  /** The fixing release is not out: nothing may be published. `missing` names the versions without a release. */
  | { kind: "waiting"; missing: string[]; fixingReleases: R[] }
  /** The release is out but the advisory cannot be disclosed yet: every problem, for the tracking issue. */
  | { kind: "blocked"; problems: DisclosureProblem[]; fixingReleases: R[] }
  | { kind: "ready"; fixingReleases: R[] };

export function publicationVerdict<R extends ReleaseLike>(
  advisory: PublicationAdvisory,
  releases: readonly R[],
  options: PublicationOptions,
  hold: { reason: string } | null,
): PublicationVerdict<R> {
  if (advisory.state !== "draft") return { kind: "not-draft" };
  const readiness = publicationReadiness(advisory, releases, options);
  if (!readiness.ready)
    return { kind: "waiting", missing: readiness.missing, fixingReleases: readiness.fixingReleases };
  const problems = disclosureCheck(advisory, hold ? { onHold: true, holdReason: hold.reason } : { onHold: false });
  if (problems.length > 0) return { kind: "blocked", problems, fixingReleases: readiness.fixingReleases };
  return { kind: "ready", fixingReleases: readiness.fixingReleases };
}

export const ANNOTATION_HEADING = "## Security advisories";

/**
 * Release notes with a "Security advisories" section linking each published advisory. Idempotent:
 * an advisory already linked is not added again; null when nothing changes.
 */
export function annotateReleaseNotes(
  body: string | null | undefined,
  advisories: Array<{ ghsa: string; url: string; summary: string }>,
): string | null {
  const notes = body ?? "";
  const missing = advisories.filter((a) => !notes.toLowerCase().includes(a.ghsa.toLowerCase()));
  if (missing.length === 0) return null;
  const lines = missing.map((a) => `- [${a.ghsa}](${a.url}): ${escapeUntrusted(a.summary)}`);
  if (notes.includes(ANNOTATION_HEADING)) {
    const at = notes.indexOf(ANNOTATION_HEADING) + ANNOTATION_HEADING.length;
    const rest = notes.slice(at);
    const sectionEnd = rest.search(/\n#{1,2} /);
    const insertAt = sectionEnd === -1 ? notes.length : at + sectionEnd;
    const before = notes.slice(0, insertAt).replace(/\s*$/, "");
    return `${before}\n${lines.join("\n")}\n${notes.slice(insertAt)}`.replace(/\n{3,}$/, "\n");
  }
  const sep = notes.trim() === "" ? "" : `${notes.replace(/\s*$/, "")}\n\n`;
  return `${sep}${ANNOTATION_HEADING}\n\n${lines.join("\n")}\n`;
}
