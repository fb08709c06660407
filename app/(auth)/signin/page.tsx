import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { demoPersonas } from "@/db/queries/people";
import { PersonaButtons, SsoButton } from "@/components/forms/signin-buttons";
import { safeCallbackPath } from "@/lib/auth/safe-callback";
import { currentActor } from "@/lib/auth/session";
import { demoSignInEnabled, env, oidcConfigured } from "@/lib/env";
import type { RawSearchParams } from "@/lib/http/search-params";
import { signinParams } from "@/lib/http/page-params";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const errors: Record<string, string> = {
  NoPerson: "Your account is not linked to an active person in Gatehouse. Ask HR or an administrator.",
  AccessDenied: "Sign-in was refused.",
  CredentialsSignin: "That persona could not sign in.",
  OAuthCallback: "The identity provider's answer could not be verified. Try again.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const { values: sp } = signinParams(await searchParams);
  // Only a same-origin relative path: "//evil", "/\evil" and their encodings fall back to the dashboard.
  const callbackUrl = safeCallbackPath(sp.callbackUrl);
  if (await currentActor()) redirect(callbackUrl);
  const demo = demoSignInEnabled();
  const personas = demo ? await demoPersonas(await getDb()) : [];
  const sso = oidcConfigured();
  const error = sp.error ? ((Object.hasOwn(errors, sp.error) ? errors[sp.error] : undefined) ?? "Sign-in failed. Try again.") : null;
  return (
    <main className="mx-auto mt-16 max-w-md px-4">
      <h1 className="text-3xl font-bold text-brand-900">Gatehouse</h1>
      <p className="mt-1 text-slate-600">Identity governance: who has access to what, and why.</p>
      {error && (
        <p role="alert" className="mt-4 rounded border border-rose-200 bg-rose-50 p-3 text-sm text-rose-800">
          {error}
        </p>
      )}
      <div className="mt-8 space-y-6">
        {sso && <SsoButton name={env().OIDC_NAME} callbackUrl={callbackUrl} />}
        {demo && (
          <section aria-labelledby="demo-heading">
            <h2 id="demo-heading" className="mb-2 text-sm font-semibold text-slate-700">
              Demo organisation: pick a persona
            </h2>
            {personas.length ? (
              <PersonaButtons personas={personas} callbackUrl={callbackUrl} />
            ) : (
              <p className="text-sm text-slate-600">No demo personas yet. Run <code>npm run gatehouse -- seed</code>.</p>
            )}
          </section>
        )}
        {!sso && !demo && (
          <p role="alert" className="rounded border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
            No sign-in method is configured. Set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (see the README).
          </p>
        )}
      </div>
    </main>
  );
}
