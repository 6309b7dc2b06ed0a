// A local OpenID Connect provider for development and the tests: panva's certified
// oidc-provider with two clients (the reporting service and the signals service, each
// authorization code + PKCE with JWT access tokens for its own audience) and a demo user per
// role (users.json). Started by deploy/local/oidc.sh; never used in production, where
// the gemeente's own provider (Entra ID, Keycloak, ADFS) takes its place (docs/signin.md).
//
// Environment: WIJKPULS_OIDC_PORT [8088], WIJKPULS_OIDC_HOST [127.0.0.1],
// WIJKPULS_OIDC_DATA [var/oidc] (the signing keys, kept so tokens survive a restart),
// WIJKPULS_OIDC_CLIENT_SECRET, WIJKPULS_OIDC_AUDIENCE, WIJKPULS_OIDC_REDIRECT_URIS (comma list);
// the signals client: WIJKPULS_OIDC_SIGNALS_CLIENT_SECRET, WIJKPULS_OIDC_SIGNALS_AUDIENCE,
// WIJKPULS_OIDC_SIGNALS_REDIRECT_URIS.
import { generateKeyPairSync, randomUUID, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import Provider from "oidc-provider";

const HERE = dirname(fileURLToPath(import.meta.url));
const HOST = process.env.WIJKPULS_OIDC_HOST || "127.0.0.1";
const PORT = Number(process.env.WIJKPULS_OIDC_PORT || 8088);
const ISSUER = `http://${HOST}:${PORT}`;
const DATA = process.env.WIJKPULS_OIDC_DATA || join(HERE, "..", "..", "..", "var", "oidc");
const CLIENT_ID = process.env.WIJKPULS_OIDC_CLIENT_ID || "wijkpuls-reporting";
const CLIENT_SECRET =
  process.env.WIJKPULS_OIDC_CLIENT_SECRET || "wijkpuls-development-oidc-client-secret";
const AUDIENCE = process.env.WIJKPULS_OIDC_AUDIENCE || "urn:wijkpuls:reporting";
const REDIRECT_URIS = (
  process.env.WIJKPULS_OIDC_REDIRECT_URIS || "http://127.0.0.1:8001/auth/callback"
).split(",");
// The signals service (vroegsignalering, privacy officer): its own client and audience, so a
// reporting token is refused there and the other way round.
const SIGNALS_CLIENT_ID = "wijkpuls-signals";
const SIGNALS_CLIENT_SECRET =
  process.env.WIJKPULS_OIDC_SIGNALS_CLIENT_SECRET || "wijkpuls-development-signals-client-secret";
const SIGNALS_AUDIENCE = process.env.WIJKPULS_OIDC_SIGNALS_AUDIENCE || "urn:wijkpuls:signals";
const SIGNALS_REDIRECT_URIS = (
  process.env.WIJKPULS_OIDC_SIGNALS_REDIRECT_URIS || "http://127.0.0.1:8002/auth/callback"
).split(",");
const AUDIENCES = { [CLIENT_ID]: AUDIENCE, [SIGNALS_CLIENT_ID]: SIGNALS_AUDIENCE };
const SCOPE = "openid profile wijkpuls";
const USERS = JSON.parse(readFileSync(join(HERE, "users.json"), "utf8"));

// The signing key: made once, kept in DATA/jwks.json (private: mode 0600, under var/).
function signingKeys() {
  const file = join(DATA, "jwks.json");
  if (!existsSync(file)) {
    mkdirSync(DATA, { recursive: true });
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), alg: "RS256", use: "sig" };
    writeFileSync(file, JSON.stringify({ keys: [jwk] }), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(file, "utf8"));
}

function findUser(login) {
  return USERS.find((user) => user.login === login);
}

function claimsOf(user) {
  return {
    sub: user.sub,
    name: user.name,
    preferred_username: user.login,
    roles: user.roles,
    ...(user.wijken ? { wijken: user.wijken } : {}),
  };
}

const provider = new Provider(ISSUER, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      client_name: "Wijkpuls monitor",
      // native: a loopback redirect URI matches on any port (RFC 8252 7.3), so a reporting
      // service on a test's free port can sign in too.
      application_type: "native",
      redirect_uris: REDIRECT_URIS,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
    {
      client_id: SIGNALS_CLIENT_ID,
      client_secret: SIGNALS_CLIENT_SECRET,
      client_name: "Wijkpuls vroegsignalering en privacy",
      application_type: "native", // loopback, any port, as above
      redirect_uris: SIGNALS_REDIRECT_URIS,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  jwks: signingKeys(),
  pkce: { required: () => true },
  claims: {
    openid: ["sub"],
    profile: ["name", "preferred_username"],
    wijkpuls: ["roles", "wijken"],
  },
  scopes: ["openid", "profile", "wijkpuls"],
  // The ID token carries the role and name claims itself (the reporting service reads them
  // from the validated ID token at sign-in, without a userinfo call).
  conformIdTokenClaims: false,
  async findAccount(_ctx, sub) {
    const user = USERS.find((u) => u.sub === sub);
    if (!user) return undefined;
    return { accountId: sub, claims: async () => claimsOf(user) };
  },
  features: {
    devInteractions: { enabled: false },
    // JWT access tokens with the role claims, each client's for its own API's audience.
    resourceIndicators: {
      enabled: true,
      defaultResource: async (_ctx, client) => AUDIENCES[client.clientId] || AUDIENCE,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, resource, client) => {
        if (resource !== AUDIENCES[client.clientId]) throw new Error(`unknown resource ${resource}`);
        return {
          scope: SCOPE,
          audience: resource,
          accessTokenTTL: 600,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "RS256" } },
        };
      },
    },
  },
  async extraTokenClaims(_ctx, token) {
    const user = USERS.find((u) => u.sub === token.accountId);
    if (!user) return undefined;
    const { sub: _sub, ...claims } = claimsOf(user);
    return claims;
  },
  ttl: { Session: 8 * 3600, Interaction: 600, Grant: 8 * 3600, IdToken: 600, AuthorizationCode: 60 },
  cookies: { keys: [CLIENT_SECRET] },
});
provider.proxy = false;

const escape = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function loginPage(uid, melding) {
  const rows = USERS.map(
    (u) => `<tr><td><code>${escape(u.login)}</code></td><td>${escape(u.name)}</td><td>${escape(u.roles.join(", "))}${u.wijken ? ` (${escape(u.wijken.join(", "))})` : ""}</td></tr>`,
  ).join("");
  return `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Aanmelden bij Wijkpuls (ontwikkeling)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}label{display:block;margin-top:1rem}
input{font-size:1rem;padding:.4rem;width:100%;max-width:20rem}button{margin-top:1rem;font-size:1rem;padding:.5rem 1rem}
.melding{color:#a00;font-weight:bold}table{border-collapse:collapse;margin-top:2rem}td,th{border:1px solid #999;padding:.3rem .5rem;text-align:left}</style>
</head><body><main>
<h1>Aanmelden bij Wijkpuls</h1>
<p>Lokale identiteitsprovider voor ontwikkeling en tests; in productie meldt u zich aan bij de gemeente.</p>
${melding ? `<p class="melding" role="alert">${escape(melding)}</p>` : ""}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
<label for="login">Gebruikersnaam</label><input id="login" name="login" required autofocus>
<label for="password">Wachtwoord</label><input id="password" name="password" type="password" required>
<button type="submit">Aanmelden</button>
</form>
<table><caption>Demogebruikers (wachtwoord: <code>wijkpuls-demo</code>)</caption>
<thead><tr><th scope="col">Gebruikersnaam</th><th scope="col">Naam</th><th scope="col">Rol</th></tr></thead>
<tbody>${rows}</tbody></table>
</main></body></html>`;
}

async function formBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 10_000) throw new Error("form too large");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function samePassword(given, expected) {
  const a = Buffer.from(String(given));
  const b = Buffer.from(String(expected));
  return a.length === b.length && timingSafeEqual(a, b);
}

// The login page: /interaction/<uid> (GET shows it, POST .../login checks the demo password).
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(ctx.path);
  if (!match) return next();
  let details;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch {
    ctx.status = 400;
    ctx.type = "text";
    ctx.body = "Deze aanmelding is verlopen of onbekend; begin opnieuw bij Wijkpuls.";
    return undefined;
  }
  if (details.prompt.name === "consent") {
    // A first-party client: no consent screen, the grant covers what the client asked for.
    const missing = details.prompt.details;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) {
      grant.addResourceScope(indicator, scopes.join(" "));
    }
    const grantId = await grant.save();
    const consent = details.grantId ? {} : { grantId };
    return provider.interactionFinished(ctx.req, ctx.res, { consent }, { mergeWithLastSubmission: true });
  }
  if (details.prompt.name !== "login") {
    ctx.status = 400;
    ctx.body = `onbekende stap ${details.prompt.name}`;
    return undefined;
  }
  ctx.set("Cache-Control", "no-store");
  ctx.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
  if (ctx.method === "GET" && !match[2]) {
    ctx.type = "html";
    ctx.body = loginPage(details.uid);
    return undefined;
  }
  if (ctx.method === "POST" && match[2]) {
    const form = await formBody(ctx.req);
    const user = findUser(form.get("login") || "");
    if (!user || !samePassword(form.get("password") || "", user.password)) {
      ctx.status = 401;
      ctx.type = "html";
      ctx.body = loginPage(details.uid, "Onbekende gebruikersnaam of onjuist wachtwoord.");
      return undefined;
    }
    return provider.interactionFinished(
      ctx.req,
      ctx.res,
      { login: { accountId: user.sub } },
      { mergeWithLastSubmission: false },
    );
  }
  ctx.status = 405;
  return undefined;
});

provider.listen(PORT, HOST, () => {
  console.log(`oidc-provider listening on ${ISSUER} (discovery: ${ISSUER}/.well-known/openid-configuration)`);
});
