// A real OpenID Provider (the certified npm package oidc-provider) for Bekwaam's tests.
//
// Started by tests/oidc_provider.py as `node tests/oidc/provider.mjs` with its configuration
// as JSON in the environment variable OIDC_TEST_CONFIG:
//   {"clients": [{"client_id", "client_secret", "redirect_uris": [...]}],
//    "accounts": {"<login>": {<claims, e.g. eduperson_principal_name, email>}}}
// It listens on 127.0.0.1 on a free port and prints one JSON line {"issuer": "..."} when it
// is ready. The sign-in page is a minimal interaction of our own instead of oidc-provider's
// devInteractions, whose page loads a web font from a third party: a person (or a test)
// types one of the configured logins; consent is given implicitly, as SURFconext does for a
// connected service.
//
// For the refusal tests one control endpoint, POST /_test/tamper {"aud": "other"}, makes the
// token endpoint hand out ID tokens for another audience, signed with the provider's real
// key: what a token stolen from another relying party looks like. {} switches it off.
import { createServer } from 'node:http';
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';

import { Provider } from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG || '{}');
const accounts = config.accounts || {};
const SCOPES = 'openid email profile eduperson';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const kid = randomUUID();
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };

const tamper = { aud: null };

function b64url(input) {
  return Buffer.from(input).toString('base64url');
}

// Re-sign an ID token with another audience, with the provider's own key and kid.
function withAudience(idToken, aud) {
  const [headerPart, payloadPart] = idToken.split('.');
  const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString());
  const payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString());
  payload.aud = aud;
  delete payload.azp;
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid, clientId, error) {
  return `<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inloggen bij de testschool</title></head>
<body>
<main>
<h1>Inloggen bij de testschool</h1>
<p>Je logt in voor ${escapeHtml(clientId)}.</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}">
  <label for="login">Gebruikersnaam</label>
  <input id="login" name="login" type="text" autocomplete="username" required autofocus>
  <button type="submit">Inloggen</button>
</form>
</main>
</body>
</html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString();
  return text ? JSON.parse(text) : {};
}

let provider;

async function handleInteraction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(details.uid, details.params.client_id));
    return;
  }
  const form = await readForm(req);
  const login = form.get('login') || '';
  if (!Object.hasOwn(accounts, login)) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(details.uid, details.params.client_id, 'Onbekende gebruikersnaam.'));
    return;
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: login } },
    { mergeWithLastSubmission: false },
  );
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  let handled;
  if (url.pathname.startsWith('/interaction/')) {
    handled = handleInteraction(req, res);
  } else if (url.pathname === '/_test/tamper' && req.method === 'POST') {
    handled = readJson(req).then((body) => {
      tamper.aud = body.aud || null;
      res.writeHead(204);
      res.end();
    });
  } else {
    provider.callback()(req, res);
    return;
  }
  handled.catch((error) => {
    console.error(error);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(error));
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  provider = new Provider(issuer, {
    clients: (config.clients || []).map((client) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...client,
    })),
    jwks: { keys: [signingJwk] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
      eduperson: [
        'eduperson_principal_name',
        'eduperson_affiliation',
        'schac_home_organization',
        'schac_personal_unique_code',
      ],
    },
    scopes: SCOPES.split(' '),
    cookies: { keys: [randomUUID()] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => false },
    async findAccount(ctx, id) {
      if (!Object.hasOwn(accounts, id)) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) };
    },
    // Consent is implied: the school connected Bekwaam, the student is not asked again.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(SCOPES);
      await grant.save();
      return grant;
    },
  });
  provider.use(async (ctx, next) => {
    await next();
    if (tamper.aud && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
      ctx.body = { ...ctx.body, id_token: withAudience(ctx.body.id_token, tamper.aud) };
    }
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

// The test harness ends us with SIGTERM; close cleanly.
process.on('SIGTERM', () => server.close(() => process.exit(0)));
