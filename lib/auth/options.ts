/**
 * next-auth configuration. Two ways in:
 *  - "demo": pick a persona, no password. Only when demoSignInEnabled() (embedded demo
 *    database, or explicitly on PostgreSQL); impossible in production mode.
 *  - "oidc": the company IdP (Okta/Entra/...), configured by OIDC_ISSUER/CLIENT_ID/SECRET.
 * Either way the session names a person in `people`; terminated people cannot sign in.
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorFacts, personByEmail } from "@/db/queries/people";
import { recordAudit } from "@/lib/audit";
import { authSecret } from "@/lib/crypto";
import { safeRedirectUrl } from "./safe-callback";
import { demoSignInEnabled, env, oidcConfigured } from "@/lib/env";
import { applyBootstrapAdmin, parseBootstrapAdmins } from "@/lib/services/people/portal-roles";
import { checkSessionToken, recordSignOut } from "@/lib/services/people/session-version";

async function audit(personId: string, method: string) {
  const db = await getDb();
  await db.transaction((tx) => recordAudit(tx, { actorId: personId, actorKind: "person", action: "auth.signed_in", targetKind: "person", targetId: personId, data: { method } }));
}

export function authOptions(): NextAuthOptions {
  const e = env();
  const providers: NextAuthOptions["providers"] = [];
  if (demoSignInEnabled()) {
    providers.push(
      CredentialsProvider({
        id: "demo",
        name: "Demo persona",
        credentials: { personId: { label: "Person", type: "text" } },
        async authorize(credentials) {
          if (!demoSignInEnabled()) return null;
          const parsed = z.object({ personId: z.string().uuid() }).safeParse(credentials);
          if (!parsed.success) return null;
          const db = await getDb();
          const facts = await actorFacts(db, parsed.data.personId);
          if (!facts || facts.status === "terminated") return null;
          await audit(facts.id, "demo");
          return { id: facts.id, name: facts.name, email: facts.email };
        },
      }),
    );
  }
  if (oidcConfigured()) {
    providers.push({
      id: "oidc",
      name: e.OIDC_NAME,
      type: "oauth",
      wellKnown: `${e.OIDC_ISSUER!.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile(profile: { sub: string; email?: string; name?: string }) {
        return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? profile.email ?? profile.sub };
      },
    });
  }
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
    pages: { signIn: "/signin", error: "/signin" },
    providers,
    events: {
      async signOut({ token }) {
        const personId = (token as { personId?: unknown } | null)?.personId;
        if (typeof personId === "string") await recordSignOut(await getDb(), personId);
      },
    },
    callbacks: {
      // next-auth's default accepts any "/…" value; "/\\evil" would then leave the site.
      redirect: ({ url, baseUrl }) => safeRedirectUrl(url, baseUrl),
      async signIn({ user, account }) {
        if (account?.provider === "demo") return true;
        // SSO: the IdP's email must belong to a person who is not terminated.
        if (!user.email) return false;
        const db = await getDb();
        const p = await personByEmail(db, user.email);
        if (!p || p.status === "terminated") return "/signin?error=NoPerson";
        await applyBootstrapAdmin(db, user.email, parseBootstrapAdmins(env().GATEHOUSE_BOOTSTRAP_ADMINS));
        await audit(p.id, account?.provider ?? "oidc");
        return true;
      },
      // Every use of the token checks the person's server-side session version (people.session_version):
      // sign-out, portal-role removal and termination bump it, which ends the session everywhere.
      async jwt({ token, user, account }) {
        const db = await getDb();
        if (user && account) {
          let personId: string | null = null;
          if (account.provider === "demo") personId = user.id;
          else if (user.email) personId = (await personByEmail(db, user.email))?.id ?? null;
          return (await checkSessionToken(db, token, personId)) as typeof token;
        }
        return (await checkSessionToken(db, token)) as typeof token;
      },
      async session({ session, token }) {
        (session as { personId?: unknown }).personId = token.personId;
        return session;
      },
    },
  };
}
