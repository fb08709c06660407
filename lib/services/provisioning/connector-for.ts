/**
 * Application row → Connector. Real kinds go through lib/connectors' createConnector (config validated with zod,
 * secrets decrypted here and never logged). Demo applications are real SCIM 2.0 services served by the portal
 * itself (app/api/demo-apps/<key>/scim/v2), reached over HTTP like any other target.
 */
import { createHmac } from "node:crypto";
import type { Application } from "@/db/schema";
import { createConnector } from "@/lib/connectors";
import { ScimConnector } from "@/lib/connectors/scim";
import { decryptSecrets, secretKeyMaterial } from "@/lib/crypto";
import { ConnectorError, type Connector } from "@/lib/domain/connector";
import { env } from "@/lib/env";

/** Bearer token of a demo application: HMAC of its key under the portal's secret key (never stored, never logged). */
export function demoAppToken(appKey: string): string {
  return createHmac("sha256", secretKeyMaterial()).update(`gatehouse-demo-app:${appKey}`).digest("base64url");
}

/** Where the portal serves its demo applications (NEXTAUTH_URL, else http://localhost:PORT). */
export function portalOrigin(): string {
  const e = env();
  return (e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
}

export function demoAppBaseUrl(appKey: string, origin = portalOrigin()): string {
  return `${origin}/api/demo-apps/${encodeURIComponent(appKey)}/scim/v2`;
}

export type ConnectorFor = (app: Application) => Connector | Promise<Connector>;

export const connectorFor: ConnectorFor = (app) => {
  switch (app.connectorKind) {
    case "demo": {
      const baseUrl = typeof app.config.baseUrl === "string" ? app.config.baseUrl : demoAppBaseUrl(app.key);
      return new ScimConnector({ baseUrl, token: demoAppToken(app.key), timeoutMs: 15_000 });
    }
    case "scim":
    case "ldap":
    case "postgres":
      return createConnector(app.connectorKind, app.config, decryptSecrets(app.secretsEncrypted));
    default:
      throw new ConnectorError(`${app.name} is fulfilled by hand (connector "${app.connectorKind}"): no automatic provisioning`, false);
  }
};
