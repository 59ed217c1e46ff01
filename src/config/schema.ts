import { z } from "zod";
import { PACKAGE_ECOSYSTEMS } from "../domain/ecosystems.js";

/** File name read from `.github/` of the repository, then of the org's `.github` repository. */
export const CONFIG_FILE = "advisory-bot.yml";
export const CONFIG_PATH = `.github/${CONFIG_FILE}`;

/** GitHub login: alphanumerics and single hyphens, at most 39 characters; a leading `@` is accepted. */
const handle = z
  .string()
  .regex(/^@?[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, "must be a GitHub handle such as alice or @alice")
  .describe("GitHub handle (a leading @ is accepted)");

const slug = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "must be a slug such as security-team")
  .describe("Team slug (letters, digits, '.', '_', '-')");

const repoName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,100}$/, "must be a repository name in this org, without the owner")
  .describe("Repository name in the same org, without the owner");

/** Ecosystems accepted by GitHub's repository security advisory API. */
export const ECOSYSTEMS = PACKAGE_ECOSYSTEMS;

const pkg = z
  .object({
    ecosystem: z.enum(ECOSYSTEMS).describe("Package ecosystem as GitHub names it"),
    name: z.string().min(1).max(255).describe("Package name, e.g. a Go module path such as oras.land/oras-go/v2"),
  })
  .strict()
  .describe("Vulnerability package used for drafts created by command, instead of the one read from the repository");

export const DEFAULT_ROSTER_FILES = [
  "OWNERS.md",
  "MAINTAINERS.md",
  "CODEOWNERS",
  ".github/CODEOWNERS",
  "docs/CODEOWNERS",
] as const;

export const configSchema = z
  .object({
    _extends: z
      .string()
      .min(1)
      .optional()
      .describe("Inherit settings from another repository's file: `repo` or `owner/repo:path` (Probot convention)"),
    securityTeam: z
      .object({
        team: slug
          .optional()
          .describe("Slug of the GitHub team in the org whose members form the security team (optional)"),
        members: z
          .array(handle)
          .max(200)
          .default([])
          .describe("Explicit handles of security-team members; united with the team's members"),
        enforce: z
          .boolean()
          .default(false)
          .describe("Remove members who are not active maintainers of an active repository from the GitHub team"),
      })
      .strict()
      .default({ members: [], enforce: false })
      .describe("The security team: a subset of the maintainers who engage with every report"),
    tracker: z
      .object({
        repo: repoName
          .optional()
          .describe("Private repository of the same org that holds tracking issues, the dashboard and the audit"),
      })
      .strict()
      .default({})
      .describe("Where tracking issues live; without it the app accepts, staffs and forks but does not track"),
    maintainers: z
      .object({
        files: z
          .array(z.string().min(1).max(255))
          .min(1)
          .max(20)
          .default([...DEFAULT_ROSTER_FILES])
          .describe("Roster files read from each repository's default branch; the union of all found is used"),
      })
      .strict()
      .default({ files: [...DEFAULT_ROSTER_FILES] })
      .describe("Where a repository's maintainers are listed"),
    inactive: z
      .array(repoName)
      .max(1000)
      .default([])
      .describe("Repositories treated as deprecated: they have no active maintainers (archived ones never do)"),
    intake: z
      .object({
        acceptReports: z
          .boolean()
          .default(true)
          .describe("Accept privately reported vulnerabilities (triage) into draft advisories"),
        privateFork: z.boolean().default(true).describe("Create the advisory's temporary private fork"),
        ackWithin: z
          .number()
          .int()
          .min(1)
          .max(260)
          .default(14)
          .describe("Working days within which a human must respond to a report before reminders start"),
      })
      .strict()
      .default({ acceptReports: true, privateFork: true, ackWithin: 14 })
      .describe("How reports become draft advisories"),
    patchTeam: z
      .object({
        removeUnlisted: z
          .boolean()
          .default(false)
          .describe("Remove advisory collaborators who are neither desired nor added by command (need-to-know)"),
        outsideExperts: z
          .array(handle)
          .max(200)
          .default([])
          .describe(
            "Handles `/advisory add` admits though they maintain no active repository of the org (outside experts). Authority key: read only from the org's .github repository; shown on the tracking issue",
          ),
      })
      .strict()
      .default({ removeUnlisted: false, outsideExperts: [] })
      .describe("How an advisory's collaborators are kept matched to the maintainers"),
    publish: z
      .object({
        prereleases: z.boolean().default(false).describe("Let a published prerelease publish the advisories it fixes"),
        waitFor: z
          .enum(["all", "any"])
          .default("all")
          .describe("Publish once every patched version has a published release (all) or on the first (any)"),
        together: z
          .boolean()
          .default(false)
          .describe("Sibling advisories of one vulnerability publish only when every sibling's release is out"),
        annotateRelease: z
          .boolean()
          .default(true)
          .describe("Add a 'Security advisories' section to the fixing release's notes"),
      })
      .strict()
      .default({ prereleases: false, waitFor: "all", together: false, annotateRelease: true })
      .describe("When advisories are published"),
    packages: z
      .record(repoName, pkg)
      .default({})
      .describe(
        "Package per repository for drafts created by command; overrides the one read from the repository's manifest (go.mod, *.csproj, pom.xml, pyproject.toml, package.json, Cargo.toml, …)",
      ),
  })
  .strict()
  .describe("oras-advisory-bot configuration (.github/advisory-bot.yml)");

/** Configuration as written in the file (defaults optional). */
export type ConfigInput = z.input<typeof configSchema>;
/** Configuration after validation, with every default applied. */
export type Config = z.output<typeof configSchema>;

/** The configuration the app uses when no file exists anywhere: the product's defaults. */
export const DEFAULT_CONFIG: Config = configSchema.parse({});

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
  return {
    ...schema,
    $id: "https://github.com/oras-project/oras-advisory-bot/schema/advisory-bot.schema.json",
    title: "oras-advisory-bot configuration",
  };
}
