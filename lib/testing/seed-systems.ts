/**
 * Pre-loading the real test systems with an existing organisation (benchmarks and brownfield tests): accounts for a
 * list of user names and groups given as member lists, written through the systems' own protocols (LDAP adds on a
 * few parallel connections; SCIM POSTs), never through Gatehouse.
 */
import { Client } from "ldapts";
import type { LdapServer } from "./ldap-server";

export const exampleEmail = (userName: string) => `${userName}@example.test`;

/** Runs `fn` over `items`, at most `width` at a time. */
export async function pool<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

export const ldapUserDn = (baseDn: string, userName: string) => `uid=${userName},ou=people,${baseDn}`;

/**
 * An inetOrgPerson per user name under ou=people, then a group per entry of `groups` (member user names) under
 * ou=groups named `cn=<name>`: odd-numbered groups are groupOfUniqueNames, even ones groupOfNames (both kinds occur in
 * real directories). Returns the number of memberships written.
 */
export async function seedLdap(
  ldap: Pick<LdapServer, "url" | "bindDn" | "bindPassword" | "baseDn">,
  userNames: string[],
  groups: Array<{ name: string; members: string[] }>,
  opts: { connections?: number; email?: (userName: string) => string } = {},
): Promise<number> {
  const email = opts.email ?? exampleEmail;
  const clients = await Promise.all(
    Array.from({ length: opts.connections ?? 6 }, async () => {
      const c = new Client({ url: ldap.url });
      await c.bind(ldap.bindDn, ldap.bindPassword);
      return c;
    }),
  );
  try {
    await pool(userNames, clients.length, async (n, i) => {
      await clients[i % clients.length]!.add(ldapUserDn(ldap.baseDn, n), { objectClass: ["top", "person", "organizationalPerson", "inetOrgPerson"], uid: n, cn: n, sn: "Test", mail: email(n) });
    });
    let memberships = 0;
    await pool(groups, clients.length, async (g, i) => {
      const unique = i % 2 === 1;
      const members = g.members.map((n) => ldapUserDn(ldap.baseDn, n));
      memberships += members.length;
      await clients[i % clients.length]!.add(`cn=${g.name},ou=groups,${ldap.baseDn}`, { objectClass: ["top", unique ? "groupOfUniqueNames" : "groupOfNames"], cn: g.name, [unique ? "uniqueMember" : "member"]: members });
    });
    return memberships;
  } finally {
    await Promise.all(clients.map((c) => c.unbind()));
  }
}

/**
 * A SCIM 2.0 User per user name (active, primary email), then a Group per entry of `groups` with those users as
 * members. Returns the number of memberships written.
 */
export async function seedScim(
  app: { baseUrl: string; token: string },
  userNames: string[],
  groups: Array<{ name: string; members: string[] }>,
  opts: { width?: number; email?: (userName: string) => string } = {},
): Promise<number> {
  const email = opts.email ?? exampleEmail;
  const headers = { authorization: `Bearer ${app.token}`, "content-type": "application/scim+json" };
  const ids = new Map<string, string>();
  await pool(userNames, opts.width ?? 8, async (n) => {
    const r = await fetch(`${app.baseUrl}/Users`, {
      method: "POST",
      headers,
      body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: n, name: { givenName: n, familyName: "Test" }, displayName: n, emails: [{ value: email(n), primary: true }], active: true }),
    });
    if (!r.ok) throw new Error(`SCIM user ${n}: ${r.status} ${await r.text()}`);
    ids.set(n, ((await r.json()) as { id: string }).id);
  });
  let memberships = 0;
  await pool(groups, Math.max(1, Math.floor((opts.width ?? 8) / 2)), async (g) => {
    const members = g.members.map((n) => ({ value: ids.get(n)! }));
    memberships += members.length;
    const r = await fetch(`${app.baseUrl}/Groups`, { method: "POST", headers, body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: g.name, members }) });
    if (!r.ok) throw new Error(`SCIM group ${g.name}: ${r.status} ${await r.text()}`);
  });
  return memberships;
}
