/**
 * A real OpenID Provider on loopback, standing in for the company IdP (Okta/Entra) in tests.
 * Built on `oidc-provider` (a certified OP implementation) so the portal's SSO sign-in is
 * exercised for real: discovery, authorization code + PKCE + state, client_secret_basic at
 * the token endpoint, a signed ID token.
 *
 *   const idp = await startOidcProvider({ port: 3199, clientId, clientSecret, redirectUri });
 *   ... idp.issuer ...
 *   await idp.stop();
 *
 * Invariants and choices:
 *  - Exactly one confidential client; response type `code`; grant `authorization_code`.
 *  - Accounts are invented on demand: the login typed into the form becomes `sub`, and also
 *    `email` when it contains "@" (so a test can sign in as any person whose email it knows).
 *    Any password is accepted; an empty login is refused with a message.
 *  - Our own interaction pages (not oidc-provider's devInteractions) so the form has properly
 *    labelled inputs ("Login", "Password") that tests find by label. Consent is auto-accepted:
 *    the portal is a first-party client, as it would be configured in a real company IdP.
 *  - `conformIdTokenClaims: false`: the ID token carries email/name. next-auth (idToken: true)
 *    reads the profile from the ID token only, not from userinfo.
 *  - Plain HTTP on 127.0.0.1 only. Signing key and cookie keys are random per start.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
// oidc-provider ships no type declarations; the small surface used here is typed below.
// @ts-ignore -- untyped module
import ProviderImport from "oidc-provider";

export type OidcProviderOptions = {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  clientId: string;
  clientSecret: string;
  /** The relying party's callback, e.g. http://127.0.0.1:3100/api/auth/callback/oidc */
  redirectUri: string;
  /** Shown on the login page. */
  title?: string;
  /** Log each request's method and path to stderr. */
  verbose?: boolean;
};

export type RunningOidcProvider = {
  issuer: string;
  port: number;
  stop: () => Promise<void>;
};

type Claims = { sub: string; email?: string; email_verified?: boolean; name?: string };

// Minimal structural types for the parts of oidc-provider this module touches.
type Grant = {
  addOIDCScope: (scope: string) => void;
  addOIDCClaims: (claims: string[]) => void;
  save: () => Promise<string>;
};
type InteractionDetails = {
  uid: string;
  prompt: { name: string; details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[] } };
  params: Record<string, unknown> & { client_id: string; scope?: string };
  session?: { accountId?: string };
  grantId?: string;
};
type Provider = {
  callback: () => (req: http.IncomingMessage, res: http.ServerResponse) => void;
  interactionDetails: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<InteractionDetails>;
  interactionFinished: (req: http.IncomingMessage, res: http.ServerResponse, result: Record<string, unknown>, opts?: { mergeWithLastSubmission?: boolean }) => Promise<void>;
  Grant: { new (init: { accountId: string; clientId: string }): Grant; find: (id: string) => Promise<Grant | undefined> };
  on: (event: string, fn: (...args: unknown[]) => void) => void;
};
type ProviderCtor = new (issuer: string, config: Record<string, unknown>) => Provider;
const OidcProvider = ProviderImport as unknown as ProviderCtor;

/** Claims for a login typed into the form. */
export function claimsForLogin(login: string): Claims {
  const isEmail = login.includes("@");
  const local = isEmail ? login.slice(0, login.indexOf("@")) : login;
  const name = local
    .split(/[._-]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(" ");
  return { sub: login, ...(isEmail ? { email: login, email_verified: true } : {}), name: name || login };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font-family:system-ui,sans-serif;background:#f1f5f9;margin:0}
main{max-width:22rem;margin:4rem auto;background:#fff;border:1px solid #cbd5e1;border-radius:.5rem;padding:1.5rem}
h1{font-size:1.25rem;margin:0 0 .25rem} p{color:#475569;font-size:.9rem}
label{display:block;font-size:.85rem;font-weight:600;margin-top:.75rem}
input{display:block;width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem;border:1px solid #94a3b8;border-radius:.25rem}
button{margin-top:1rem;width:100%;padding:.6rem;background:#1f5fbf;color:#fff;border:0;border-radius:.25rem;font-weight:600}
.err{color:#9f1239;background:#fff1f2;border:1px solid #fecdd3;padding:.5rem;border-radius:.25rem}
a{font-size:.85rem}
</style></head><body><main>${body}</main></body></html>`;
}

function loginForm(uid: string, title: string, clientId: string, error?: string): string {
  return page(
    `${title}: sign in`,
    `<h1>${esc(title)}</h1>
<p>Test identity provider. Sign in to continue to <strong>${esc(clientId)}</strong>. Any password is accepted.</p>
${error ? `<p role="alert" class="err">${esc(error)}</p>` : ""}
<form method="post" action="/interaction/${esc(uid)}">
<input type="hidden" name="prompt" value="login">
<label for="login">Login</label>
<input id="login" name="login" type="text" autocomplete="username" autofocus placeholder="name@company.example">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit">Sign in</button>
</form>
<p><a href="/interaction/${esc(uid)}/abort">Cancel and return to the application</a></p>`,
  );
}

function consentForm(uid: string, title: string, clientId: string, scopes: string[]): string {
  return page(
    `${title}: allow access`,
    `<h1>${esc(title)}</h1>
<p><strong>${esc(clientId)}</strong> asks for: ${esc(scopes.join(", ") || "confirmation of an earlier authorization")}.</p>
<form method="post" action="/interaction/${esc(uid)}">
<input type="hidden" name="prompt" value="consent">
<button type="submit">Allow</button>
</form>
<p><a href="/interaction/${esc(uid)}/abort">Cancel and return to the application</a></p>`,
  );
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 64 * 1024) throw new Error("form too large");
    chunks.push(c as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function send(res: http.ServerResponse, status: number, html: string) {
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  res.end(html);
}

export async function startOidcProvider(opts: OidcProviderOptions): Promise<RunningOidcProvider> {
  const title = opts.title ?? "Company SSO (test IdP)";
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;

  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: randomBytes(8).toString("hex"), use: "sig", alg: "RS256" };

  const provider = new OidcProvider(issuer, {
    clients: [
      {
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        redirect_uris: [opts.redirectUri],
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_basic",
        id_token_signed_response_alg: "RS256",
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    scopes: ["openid", "email", "profile"],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => false },
    clientBasedCORS: () => false,
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx: unknown, sub: string) {
      const claims = claimsForLogin(sub);
      return { accountId: sub, claims: async () => claims };
    },
    // First-party client: consent is implied. Create the grant the request needs, so the
    // consent prompt never appears for the configured client.
    async loadExistingGrant(ctx: {
      oidc: {
        client: { clientId: string };
        session: { accountId: string; grantIdFor: (clientId: string) => string | undefined };
        result?: { consent?: { grantId?: string } };
        requestParamOIDCScopes: Set<string>;
        requestParamClaims: Set<string>;
      };
    }) {
      const { client, session, result } = ctx.oidc;
      const existing = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const grant = existing ? await provider.Grant.find(existing) : new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
      if (!grant) return undefined;
      grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(" ") || "openid");
      const claims = [...ctx.oidc.requestParamClaims];
      if (claims.length) grant.addOIDCClaims(claims);
      await grant.save();
      return grant;
    },
    renderError(ctx: { type: string; body: string }, out: Record<string, string>) {
      ctx.type = "html";
      ctx.body = page(`${title}: error`, `<h1>${esc(title)}</h1><p role="alert" class="err">${esc(out.error ?? "error")}: ${esc(out.error_description ?? "")}</p>`);
    },
  });

  const oidcHandler = provider.callback();

  server.on("request", (req, res) => {
    if (opts.verbose) console.error(`[oidc-idp] ${req.method} ${req.url}`);
    const url = new URL(req.url ?? "/", issuer);
    const m = /^\/interaction\/([^/]+)(\/abort)?$/.exec(url.pathname);
    if (!m) {
      oidcHandler(req, res);
      return;
    }
    void handleInteraction(req, res, m[1]!, Boolean(m[2])).catch((err: unknown) => {
      const msg = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) send(res, 400, page(`${title}: error`, `<h1>${esc(title)}</h1><p role="alert" class="err">${esc(msg)}</p>`));
      else res.end();
    });
  });

  async function handleInteraction(req: http.IncomingMessage, res: http.ServerResponse, uid: string, abort: boolean) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error("This sign-in request does not match your browser session. Start again from the application.");
    if (abort) {
      await provider.interactionFinished(req, res, { error: "access_denied", error_description: "End-User aborted interaction" }, { mergeWithLastSubmission: false });
      return;
    }
    const clientId = details.params.client_id;
    if (req.method === "GET") {
      if (details.prompt.name === "login") return send(res, 200, loginForm(uid, title, clientId));
      if (details.prompt.name === "consent") return send(res, 200, consentForm(uid, title, clientId, details.prompt.details.missingOIDCScope ?? []));
      return send(res, 501, page(title, `<p role="alert" class="err">Prompt "${esc(details.prompt.name)}" is not supported.</p>`));
    }
    if (req.method !== "POST") return send(res, 405, page(title, "<p>Method not allowed.</p>"));
    const form = await readForm(req);
    if (form.get("prompt") === "login" && details.prompt.name === "login") {
      const login = (form.get("login") ?? "").trim();
      if (!login) return send(res, 200, loginForm(uid, title, clientId, "Enter a login."));
      await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      return;
    }
    if (form.get("prompt") === "consent" && details.prompt.name === "consent") {
      const accountId = details.session?.accountId;
      if (!accountId) throw new Error("No signed-in account for this consent.");
      const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId });
      if (!grant) throw new Error("Grant not found.");
      if (details.prompt.details.missingOIDCScope) grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(" "));
      if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
      return;
    }
    throw new Error("Unexpected form submission for this step.");
  }

  return {
    issuer,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
