import { generateKeyPairSync } from "node:crypto";

/** A throwaway RSA key made at run time, so no key file is ever committed. */
export const TEST_PRIVATE_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;

export const TEST_WEBHOOK_SECRET = "test-webhook-secret";
