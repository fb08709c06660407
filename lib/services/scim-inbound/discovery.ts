/**
 * Discovery endpoints (RFC 7644 §4): ServiceProviderConfig, ResourceTypes, Schemas. They describe
 * exactly what this server does: PATCH, filter, sort and ETags yes; bulk and changePassword no. Readable without a token (they reveal no data).
 */
import { describeSchema, GROUP, SCHEMAS, URN, USER } from "@/lib/domain/scim/schema";
import { MAX_COUNT } from "./users";

export const MAX_PAYLOAD_BYTES = 1_000_000;

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [URN.spConfig],
    documentationUri: "https://github.com/gatehouse-iga/gatehouse#inbound-scim",
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: MAX_PAYLOAD_BYTES },
    filter: { supported: true, maxResults: MAX_COUNT },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "Bearer token",
        description: "A Gatehouse SCIM token (ghscim_…) created by an admin (Admin → SCIM tokens, or `gatehouse scim token create`), sent as Authorization: Bearer <token>.",
        specUri: "https://www.rfc-editor.org/rfc/rfc6750",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypes(baseUrl: string) {
  return [
    {
      schemas: [URN.resourceType], id: "User", name: "User", endpoint: USER.endpoint,
      description: "People in Gatehouse. Writes go through the HR pipeline (joiner, mover, leaver, rehire).",
      schema: URN.user, schemaExtensions: [{ schema: URN.enterprise, required: false }],
      meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: [URN.resourceType], id: "Group", name: "Group", endpoint: GROUP.endpoint,
      description: "IdP groups: collections of people for birthright rules (condition idpGroup) and review campaign scopes.", schema: URN.group, schemaExtensions: [],
      meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
}

export function schemas(baseUrl: string) {
  return SCHEMAS.map((s) => describeSchema(s, baseUrl));
}
