/**
 * The SCIM 2.0 schemas this server speaks (RFC 7643 §4, §8.7), as data: the filter
 * evaluator, the PATCH engine, attribute projection and the /Schemas endpoint all read
 * the same definitions, so an attribute's type, case-exactness and mutability have one source.
 *
 * Written for Gatehouse: attributes Gatehouse cannot keep are still described (the server
 * stores them verbatim beside the person); Groups are IdP groups (collections of people).
 * Pure; lookups are O(attributes).
 */

export const URN = {
  user: "urn:ietf:params:scim:schemas:core:2.0:User",
  group: "urn:ietf:params:scim:schemas:core:2.0:Group",
  enterprise: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
  listResponse: "urn:ietf:params:scim:api:messages:2.0:ListResponse",
  patchOp: "urn:ietf:params:scim:api:messages:2.0:PatchOp",
  searchRequest: "urn:ietf:params:scim:api:messages:2.0:SearchRequest",
  error: "urn:ietf:params:scim:api:messages:2.0:Error",
  spConfig: "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig",
  resourceType: "urn:ietf:params:scim:schemas:core:2.0:ResourceType",
  schema: "urn:ietf:params:scim:schemas:core:2.0:Schema",
} as const;

export type AttrType = "string" | "boolean" | "decimal" | "integer" | "dateTime" | "reference" | "complex" | "binary";
export type Mutability = "readOnly" | "readWrite" | "immutable" | "writeOnly";
export type Returned = "always" | "never" | "default" | "request";

export type AttrDef = {
  name: string;
  type: AttrType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: "none" | "server" | "global";
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttrDef[];
};

export type SchemaDef = { id: string; name: string; description: string; attributes: AttrDef[] };

/** A resource type: its core schema and extensions (RFC 7643 §6). */
export type ResourceSchema = { name: string; endpoint: string; core: SchemaDef; extensions: SchemaDef[] };

type Opt = Partial<Omit<AttrDef, "name" | "type" | "description">>;
const a = (name: string, type: AttrType, description: string, o: Opt = {}): AttrDef => ({
  name, type, description, multiValued: false, required: false, caseExact: false, mutability: "readWrite", returned: "default", uniqueness: "none", ...o,
});
const str = (name: string, description: string, o: Opt = {}) => a(name, "string", description, o);

/** Sub-attributes shared by the multi-valued "value/display/type/primary" attributes. */
const multi = (what: string, types: string[] | null, valueType: AttrType = "string", extra: AttrDef[] = []): AttrDef[] => [
  // RFC 7643 §7: a reference attribute states its referenceTypes (photos: §8.7.1 ["external"]).
  a("value", valueType, `The ${what} value.`, valueType === "reference" ? { referenceTypes: ["external"] } : {}),
  str("display", `A human-readable name for the ${what}.`),
  str("type", `A label for the ${what}'s function.`, types ? { canonicalValues: types } : {}),
  a("primary", "boolean", `Whether this is the primary ${what}; at most one value may be primary.`),
  ...extra,
];

const userSchema: SchemaDef = {
  id: URN.user,
  name: "User",
  description: "A person known to Gatehouse (an HR identity).",
  attributes: [
    str("userName", "Unique identifier for the User (case-insensitive, unique); any string. The person's email comes from emails.", { required: true, uniqueness: "server" }),
    a("name", "complex", "The components of the user's name.", {
      subAttributes: [
        str("formatted", "The full name, formatted for display."),
        str("familyName", "The family name (last name)."),
        str("givenName", "The given name (first name)."),
        str("middleName", "The middle name(s)."),
        str("honorificPrefix", "Honorific prefix, e.g. 'Ms.'."),
        str("honorificSuffix", "Honorific suffix, e.g. 'III'."),
      ],
    }),
    str("displayName", "The name shown for the user."),
    str("nickName", "The casual name of the user."),
    a("profileUrl", "reference", "A URL of the user's online profile.", { referenceTypes: ["external"] }),
    str("title", "The user's job title (Gatehouse: title)."),
    str("userType", "Relationship to the organisation (Gatehouse: employment type Employee, Contractor or Intern).", { canonicalValues: ["Employee", "Contractor", "Intern"] }),
    str("preferredLanguage", "Preferred written or spoken language (RFC 7231 language tag)."),
    str("locale", "Default location for localisation (e.g. en-US)."),
    str("timezone", "Time zone in IANA format (e.g. Europe/Berlin)."),
    a("active", "boolean", "Whether the person is active. false = leaver in Gatehouse (all access is removed); true on a leaver = rehire."),
    str("password", "Not stored by Gatehouse: accepted and discarded, never returned.", { mutability: "writeOnly", returned: "never" }),
    a("emails", "complex", "Email addresses; the primary (or work) one is the person's Gatehouse email.", { multiValued: true, subAttributes: multi("email address", ["work", "home", "other"]) }),
    a("phoneNumbers", "complex", "Phone numbers.", { multiValued: true, subAttributes: multi("phone number", ["work", "home", "mobile", "fax", "pager", "other"]) }),
    a("ims", "complex", "Instant messaging addresses.", { multiValued: true, subAttributes: multi("instant messaging address", null) }),
    a("photos", "complex", "URLs of photos of the user.", { multiValued: true, subAttributes: multi("photo", ["photo", "thumbnail"], "reference") }),
    a("addresses", "complex", "Physical mailing addresses; the work address's locality is the person's Gatehouse location.", {
      multiValued: true,
      subAttributes: [
        str("formatted", "The full mailing address."),
        str("streetAddress", "The street address."),
        str("locality", "City or locality (Gatehouse: location, for the work or primary address)."),
        str("region", "State or region."),
        str("postalCode", "Zip or postal code."),
        str("country", "Country (ISO 3166-1 alpha-2)."),
        str("type", "A label for the address's function.", { canonicalValues: ["work", "home", "other"] }),
        a("primary", "boolean", "Whether this is the primary address."),
      ],
    }),
    a("groups", "complex", "IdP groups the user belongs to. Read-only: change membership through /Groups.", {
      multiValued: true,
      mutability: "readOnly",
      subAttributes: [
        str("value", "The group's id.", { mutability: "readOnly" }),
        a("$ref", "reference", "The URI of the group.", { mutability: "readOnly", referenceTypes: ["Group"] }),
        str("display", "The group's display name.", { mutability: "readOnly" }),
        str("type", "direct or indirect.", { mutability: "readOnly", canonicalValues: ["direct", "indirect"] }),
      ],
    }),
    a("entitlements", "complex", "Entitlements (stored, not interpreted).", { multiValued: true, subAttributes: multi("entitlement", null) }),
    a("roles", "complex", "Roles (stored, not interpreted).", { multiValued: true, subAttributes: multi("role", null) }),
    a("x509Certificates", "complex", "Certificates (stored, not interpreted).", { multiValued: true, subAttributes: multi("certificate", null, "binary") }),
  ],
};

const enterpriseSchema: SchemaDef = {
  id: URN.enterprise,
  name: "EnterpriseUser",
  description: "Enterprise User (RFC 7643 §4.3).",
  attributes: [
    str("employeeNumber", "The HR employee number (Gatehouse: employee id, the key of the HR pipeline)."),
    str("costCenter", "Cost center (Gatehouse: cost center)."),
    str("organization", "Organization (stored as the person attribute 'organization')."),
    str("division", "Division (stored as the person attribute 'division')."),
    str("department", "Department (Gatehouse: department)."),
    a("manager", "complex", "The user's manager: value is the manager's SCIM id.", {
      subAttributes: [
        str("value", "The id of the manager's User resource."),
        a("$ref", "reference", "The URI of the manager's User resource.", { referenceTypes: ["User"] }),
        str("displayName", "The manager's display name (returned when requested: attributes=…:manager.displayName).", { mutability: "readOnly", returned: "request" }),
      ],
    }),
  ],
};

const groupSchema: SchemaDef = {
  id: URN.group,
  name: "Group",
  description: "An IdP group: a collection of people that birthright rules (condition idpGroup) and review campaign scopes can name. It grants nothing by itself.",
  attributes: [
    str("displayName", "The group's name (unique, case-insensitive).", { required: true, uniqueness: "server" }),
    a("members", "complex", "The people in the group (Users only; nested groups are not supported).", {
      multiValued: true,
      subAttributes: [
        str("value", "The member User's id.", { mutability: "immutable" }),
        a("$ref", "reference", "The URI of the member User.", { mutability: "immutable", referenceTypes: ["User"] }),
        // Computed by the server: returned only when asked for (attributes=members.display), so a client's
        // read-back of what it wrote compares equal (RFC 7643 §7 "request").
        str("display", "The member's display name (returned when requested: attributes=members.display).", { mutability: "readOnly", returned: "request" }),
        str("type", "The member's resource type: User.", { mutability: "immutable", canonicalValues: ["User"] }),
      ],
    }),
  ],
};

/** Attributes every resource has (RFC 7643 §3.1), not part of any schema's attribute list. */
export const COMMON_ATTRIBUTES: AttrDef[] = [
  str("id", "Unique, stable identifier issued by the service provider.", { mutability: "readOnly", returned: "always", caseExact: true, uniqueness: "server" }),
  str("externalId", "Identifier issued by the provisioning client.", { caseExact: true }),
  a("meta", "complex", "Resource metadata.", {
    mutability: "readOnly",
    subAttributes: [
      str("resourceType", "The resource type.", { mutability: "readOnly", caseExact: true }),
      a("created", "dateTime", "When the resource was added.", { mutability: "readOnly" }),
      a("lastModified", "dateTime", "When the resource was last changed.", { mutability: "readOnly" }),
      a("location", "reference", "The URI of the resource.", { mutability: "readOnly", caseExact: true }),
      str("version", "The resource's entity tag (weak).", { mutability: "readOnly", caseExact: true }),
    ],
  }),
];

export const USER: ResourceSchema = { name: "User", endpoint: "/Users", core: userSchema, extensions: [enterpriseSchema] };
export const GROUP: ResourceSchema = { name: "Group", endpoint: "/Groups", core: groupSchema, extensions: [] };
export const SCHEMAS: SchemaDef[] = [userSchema, enterpriseSchema, groupSchema];

/** A resolved attribute reference: where it lives and its definitions. */
export type Resolved = {
  /** Schema URN whose container holds it: the core schema's attributes live at the resource root. */
  schema: string;
  /** true when the attribute lives at the root (core or common attribute). */
  root: boolean;
  attr: AttrDef;
  sub?: AttrDef;
};

export type AttrRef = { uri?: string; attr: string; sub?: string };

const eqi = (x: string, y: string) => x.toLowerCase() === y.toLowerCase();
export const findAttr = (list: AttrDef[] | undefined, name: string) => list?.find((d) => eqi(d.name, name));

/** Split "urn:…:User:name.givenName" into { uri, attr, sub }: known schema URNs first (they contain dots). */
export function splitAttrPath(path: string, rt?: ResourceSchema): AttrRef | null {
  let uri: string | undefined;
  let rest = path;
  if (/^urn:/i.test(path)) {
    const known = rt ? [rt.core.id, ...rt.extensions.map((e) => e.id)] : SCHEMAS.map((s) => s.id);
    const hit = known.filter((k) => path.toLowerCase().startsWith(k.toLowerCase() + ":")).sort((x, y) => y.length - x.length)[0];
    if (hit) {
      uri = hit;
      rest = path.slice(hit.length + 1);
    } else {
      const i = path.lastIndexOf(":");
      uri = path.slice(0, i);
      rest = path.slice(i + 1);
    }
  }
  const m = /^([A-Za-z$][\w$-]*)(?:\.([A-Za-z$][\w$-]*))?$/.exec(rest);
  if (!m) return null;
  return { uri, attr: m[1], sub: m[2] };
}

/** Resolve a reference against a resource type (case-insensitive; unqualified names search core, then extensions). */
export function resolveAttr(rt: ResourceSchema, ref: AttrRef): Resolved | null {
  const lists: Array<{ schema: SchemaDef; root: boolean }> = [];
  if (!ref.uri) lists.push({ schema: rt.core, root: true }, ...rt.extensions.map((s) => ({ schema: s, root: false })));
  else if (eqi(ref.uri, rt.core.id)) lists.push({ schema: rt.core, root: true });
  else {
    const ext = rt.extensions.find((e) => eqi(e.id, ref.uri!));
    if (!ext) return null;
    lists.push({ schema: ext, root: false });
  }
  for (const { schema, root } of lists) {
    const attr = findAttr(root ? [...COMMON_ATTRIBUTES, ...schema.attributes] : schema.attributes, ref.attr);
    if (!attr) continue;
    if (ref.sub === undefined) return { schema: schema.id, root, attr };
    const sub = findAttr(attr.subAttributes, ref.sub);
    return sub ? { schema: schema.id, root, attr, sub } : null;
  }
  return null;
}

/** The object holding an attribute: the resource itself, or its extension object. */
export function containerOf(resource: Record<string, unknown>, r: Resolved, create = false): Record<string, unknown> | undefined {
  if (r.root) return resource;
  const key = Object.keys(resource).find((k) => eqi(k, r.schema)) ?? r.schema;
  let c = resource[key];
  if ((c === undefined || c === null) && create) {
    c = {};
    resource[key] = c;
  }
  return c && typeof c === "object" && !Array.isArray(c) ? (c as Record<string, unknown>) : undefined;
}

/** The schema definitions as the /Schemas endpoint shows them (RFC 7643 §7). */
export function describeSchema(s: SchemaDef, baseUrl: string) {
  const strip = (d: AttrDef): Record<string, unknown> => ({ ...d, subAttributes: d.subAttributes?.map(strip) });
  return {
    schemas: [URN.schema],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: s.attributes.map(strip),
    meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${s.id}` },
  };
}
