/**
 * Load a generated brownfield organisation (brownfield-org.ts) into real target systems before Gatehouse sees them:
 * a slapd (inetOrgPerson entries under ou=people, groupOfNames under ou=groups) and a SCIM 2.0 application (POST
 * /Users, POST /Groups with members by id), the way the company's admins built them over the years.
 * No "@/" imports: the end-to-end suite imports this file too.
 */
import { Client } from "ldapts";
import type { BrownfieldOrg } from "./brownfield-org";

export async function loadLdap(org: BrownfieldOrg, ldap: { url: string; bindDn: string; bindPassword: string; baseDn: string }): Promise<void> {
  const dir = new Client({ url: ldap.url });
  await dir.bind(ldap.bindDn, ldap.bindPassword);
  try {
    const dn = (uid: string) => `uid=${uid},ou=people,${ldap.baseDn}`;
    for (const u of org.ldap.users) {
      await dir.add(dn(u.uid), {
        objectClass: ["top", "person", "organizationalPerson", "inetOrgPerson"],
        uid: u.uid, cn: `${u.givenName} ${u.sn}`, givenName: u.givenName, sn: u.sn, ...(u.mail ? { mail: u.mail } : {}),
      });
    }
    for (const g of org.ldap.groups) {
      await dir.add(`cn=${g.cn},ou=groups,${ldap.baseDn}`, { objectClass: ["top", "groupOfNames"], cn: g.cn, description: g.description, member: g.members.map(dn) });
    }
  } finally {
    await dir.unbind().catch(() => {});
  }
}

export async function loadScim(org: BrownfieldOrg, scim: { baseUrl: string; token: string }): Promise<void> {
  const post = async (resource: string, body: Record<string, unknown>) => {
    const r = await fetch(`${scim.baseUrl}/${resource}`, { method: "POST", headers: { authorization: `Bearer ${scim.token}`, "content-type": "application/scim+json" }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`SCIM ${resource}: ${r.status} ${await r.text()}`);
    return (await r.json()) as { id: string };
  };
  const ids = new Map<string, string>();
  for (const u of org.scim.users) {
    const r = await post("Users", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: u.userName, active: true,
      name: { givenName: u.givenName, familyName: u.familyName }, displayName: `${u.givenName} ${u.familyName}`, emails: [{ value: u.email, type: "work", primary: true }],
    });
    ids.set(u.userName, r.id);
  }
  for (const g of org.scim.groups) {
    await post("Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: g.displayName, members: g.members.map((m) => ({ value: ids.get(m) })) });
  }
}
