/**
 * Secrets at rest: AES-256-GCM with a key from GATEHOUSE_SECRET_KEY, or (embedded demo)
 * a random key kept in the data dir. The same file supplies the next-auth secret.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir, env, mode } from "@/lib/env";

function localSecret(name: string): string {
  const file = path.join(/*turbopackIgnore: true*/ dataDir(), name);
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(dataDir(), { recursive: true });
    const s = randomBytes(32).toString("base64url");
    fs.writeFileSync(file, s, { mode: 0o600 });
    return s;
  }
}

export function secretKeyMaterial(): string {
  const k = env().GATEHOUSE_SECRET_KEY;
  if (k) return k;
  if (mode() === "production") throw new Error("GATEHOUSE_SECRET_KEY must be set in production mode");
  return localSecret("secret-key");
}

export function authSecret(): string {
  const s = env().NEXTAUTH_SECRET;
  if (s) return s;
  if (mode() === "production") throw new Error("NEXTAUTH_SECRET must be set in production mode");
  return localSecret("auth-secret");
}

function key(): Buffer {
  return createHash("sha256").update(secretKeyMaterial()).digest();
}

export function encryptSecrets(value: Record<string, string>): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([c.update(JSON.stringify(value), "utf8"), c.final()]);
  return ["v1", iv.toString("base64"), c.getAuthTag().toString("base64"), body.toString("base64")].join(".");
}

export function decryptSecrets(blob: string | null | undefined): Record<string, string> {
  if (!blob) return {};
  const [v, iv, tag, body] = blob.split(".");
  if (v !== "v1" || !iv || !tag || !body) throw new Error("Unreadable secret blob");
  const d = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64"));
  d.setAuthTag(Buffer.from(tag, "base64"));
  const out = Buffer.concat([d.update(Buffer.from(body, "base64")), d.final()]).toString("utf8");
  return JSON.parse(out) as Record<string, string>;
}

export function sha256Hex(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}
