import { describe, expect, it } from "vitest";
import { TEST_PRIVATE_KEY } from "../helpers/keys.js";
import { capturingLogger } from "../helpers/log.js";

const EMBARGOED = "Path traversal in oras-go lets a crafted manifest write outside the target directory";

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("log redaction", () => {
  it("never writes a logged advisory's description", async () => {
    const { log, text } = await capturingLogger();
    const advisory = { ghsa_id: "GHSA-abcd-2345-wxyz", summary: "s", description: EMBARGOED, state: "draft" };
    log.info({ advisory }, "advisory read");
    log.info({ repository_advisory: advisory }, "payload");
    log.info(advisory, "flat");
    log.info({ payload: { repository_advisory: advisory } }, "nested payload");
    await settle();
    expect(text()).toContain("GHSA-abcd-2345-wxyz");
    expect(text()).not.toContain("crafted manifest");
  });

  it("never writes tokens, private keys or the webhook secret", async () => {
    const { log, text } = await capturingLogger();
    log.info({ privateKey: TEST_PRIVATE_KEY, secret: "s3cr3t-webhook", token: "ghs_abcdefghijklmnop" }, "options");
    log.info(
      { auth: { token: "ghs_nested_token_value" }, headers: { authorization: "token ghs_header_value" } },
      "auth",
    );
    log.error({ err: { request: { headers: { authorization: "token ghs_err_value" }, body: EMBARGOED } } }, "failed");
    await settle();
    const out = text();
    expect(out).toContain("options");
    for (const secret of [
      "BEGIN RSA PRIVATE KEY",
      "s3cr3t-webhook",
      "ghs_abcdefghijklmnop",
      "ghs_nested_token_value",
      "ghs_header_value",
      "ghs_err_value",
      "crafted manifest",
    ]) {
      expect(out).not.toContain(secret);
    }
  });
});
