/**
 * SCIM errors (RFC 7644 §3.12): an HTTP status, an optional `scimType` and a detail that may
 * be shown to the client. Thrown by the pure SCIM code and turned into an Error message
 * (`urn:ietf:params:scim:api:messages:2.0:Error`) by the HTTP layer.
 */
import { URN } from "./schema";

export type ScimType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers"
  | "sensitive";

export class ScimError extends Error {
  constructor(
    public readonly status: number,
    public readonly scimType: ScimType | undefined,
    detail: string,
  ) {
    super(detail);
    this.name = "ScimError";
  }

  toJSON() {
    return { schemas: [URN.error], status: String(this.status), ...(this.scimType ? { scimType: this.scimType } : {}), detail: this.message };
  }
}

export const invalidFilter = (detail: string) => new ScimError(400, "invalidFilter", detail);
export const invalidValue = (detail: string) => new ScimError(400, "invalidValue", detail);
export const invalidPath = (detail: string) => new ScimError(400, "invalidPath", detail);
export const invalidSyntax = (detail: string) => new ScimError(400, "invalidSyntax", detail);
export const noTarget = (detail: string) => new ScimError(400, "noTarget", detail);
export const mutability = (detail: string) => new ScimError(400, "mutability", detail);
