import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { ApplyError, apply } from "../../src/github/apply.js";
import { testOctokit } from "../helpers/probot.js";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("publication has exactly one door", () => {
  it("only the publish gate builds an `advisory.publish` write", () => {
    const builders = sources("src")
      .filter((f) => !f.startsWith(join("src", "sim")))
      .filter((f) => /op:\s*"advisory\.publish"/.test(readFileSync(f, "utf8")));
    expect(builders).toEqual([join("src", "workflows", "publish.ts")]);
  });

  it("no code sends `state: published` through a plain advisory update", async () => {
    const error = await apply(
      [
        {
          op: "advisory.update",
          params: { owner: "o", repo: "r", ghsa_id: "GHSA-2345-6789-cfgh", state: "published" },
          why: "x",
        },
      ],
      { octokit: testOctokit(), log: pino({ level: "silent" }), dryRun: false },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as ApplyError).message).toMatch(/advisory\.update .* failed/);
    expect(((error as ApplyError).cause as Error).message).toMatch(/publish gate/);
  });
});
