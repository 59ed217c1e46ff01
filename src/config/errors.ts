import type { z } from "zod";

/** One problem in a configuration file: where it is and what is wrong. */
export interface ConfigProblem {
  /** Dotted path inside the file (`publish.waitFor`), or `(file)` for the whole file. */
  path: string;
  message: string;
}

/** A configuration that cannot be used; the repository is skipped until it is fixed. */
export interface ConfigError {
  /** `owner/repo` whose configuration was being loaded. */
  repository: string;
  /** The files read, as `owner/repo:path`, nearest first. */
  files: string[];
  problems: ConfigProblem[];
}

export function problemsFromZod(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => {
    const base = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.map((k) => (base ? `${base}.${k}` : k));
      return { path: keys.join(", "), message: `unknown key${keys.length > 1 ? "s" : ""}` };
    }
    return { path: base || "(file)", message: issue.message };
  });
}

/** One line per problem, safe to log and to show on the dashboard (no file content). */
export function formatConfigError(error: ConfigError): string {
  const lines = error.problems.map((p) => `- \`${p.path}\`: ${p.message}`);
  const from = error.files.length > 0 ? ` (read from ${error.files.join(" → ")})` : "";
  return `Invalid configuration for ${error.repository}${from}:\n${lines.join("\n")}`;
}
