// A standard OpenID Connect provider for the SSO tests: the `oidc-provider` package as it
// ships (its development login and consent pages, code flow, PKCE, claims in userinfo when
// an access token is issued), started on a loopback port from a JSON file.
//
//   node provider.mjs CONFIG.json
//
// CONFIG: {"port": 0-65535, "clients": [client metadata…], "accounts": {"id": {claims…}}}.
// The accounts are read from the file again on every lookup, so a test can change a
// person's groups or e-mail between two sign-ins. A claim left out of an account is not
// asserted at all (an account without "email_verified" is one whose provider does not say).
// Prints "listening <issuer>" once the server accepts connections.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const configPath = process.argv[2];
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;

function accounts() {
  return JSON.parse(readFileSync(configPath, 'utf8')).accounts || {};
}

const provider = new Provider(issuer, {
  clients: config.clients,
  cookies: { keys: [randomBytes(32).toString('hex')] },
  // The `groups` claim comes with a custom scope, as many providers do it.
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'offline_access', 'groups'],
  async findAccount(ctx, id) {
    const account = accounts()[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { ...account, sub: account.sub || id };
      },
    };
  },
});

// Plain HTTP on loopback: the provider's cookies must not demand TLS.
provider.proxy = false;

const server = provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
