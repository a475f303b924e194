"""A real OpenID Connect provider for the tests, built on Authlib's server side.

It serves discovery, a login page, the authorization endpoint (code flow with
PKCE required and a nonce required), the token endpoint, the JWKS and an end-
session endpoint over HTTP on loopback.  ``misbehave`` makes it issue ID tokens
that a relying party must refuse: a wrong nonce, an expired token, a token
signed by a foreign key, one meant for another audience, or (``userinfo_other_sub``)
an ID token with only ``sub`` whose userinfo answer is about someone else.  The
ordinary flows are tested against a standard provider (``tests.support.standard_oidc``);
this one stays for the answers a standard provider never gives.
"""

from __future__ import annotations

import hmac
import os
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, redirect, render_template_string, request
from joserfc.jwk import KeySet, RSAKey

LOGIN_PAGE = """<!doctype html><html><head><title>Test Identity Provider</title>
<link rel="icon" href="data:,"></head><body>
<h1>Test Identity Provider</h1>
{% if error %}<p id="idp-error">{{ error }}</p>{% endif %}
<form method="post" action="/authorize">
  {% for key, value in params.items() %}<input type="hidden" name="{{ key }}" value="{{ value }}">{% endfor %}
  <label>Username <input id="idp-username" name="username"></label>
  <label>Password <input id="idp-password" name="password" type="password"></label>
  <button id="idp-submit" type="submit">Sign in</button>
</form></body></html>"""


@dataclass
class Account:
    username: str
    password: str
    email: str
    name: str
    email_verified: bool = True
    groups: list[str] = field(default_factory=list)
    subject: str = field(default_factory=lambda: secrets.token_hex(8))


class Client(ClientMixin):
    def __init__(self, client_id: str, secret: str, redirect_uris: list[str]):
        self.client_id, self.secret, self.redirect_uris = client_id, secret, redirect_uris

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        return " ".join(s for s in (scope or "").split() if s in {"openid", "email", "profile"})

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return hmac.compare_digest(self.secret, client_secret or "")

    def check_endpoint_auth_method(self, method, endpoint):
        return method in {"client_secret_basic", "client_secret_post"} if endpoint == "token" else True

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    user: Account
    issued_at: float = field(default_factory=time.time)

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return int(self.issued_at)

    def get_acr(self):
        return None

    def get_amr(self):
        return None

    def is_expired(self):
        return time.time() - self.issued_at > 300


class LoopbackProvider:
    """State and behaviour of one provider instance."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "idp-1"})
        self.foreign_key = RSAKey.generate_key(2048, parameters={"kid": "idp-1"})
        self.accounts: dict[str, Account] = {}
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, Code] = {}
        self.misbehave: str | None = None
        self.ended_sessions: list[str] = []
        self.last_user: Account | None = None
        self.userinfo_calls = 0
        self.issuer = ""

    def add_account(self, **kwargs) -> Account:
        account = Account(**kwargs)
        self.accounts[account.username] = account
        return account

    def add_client(self, client_id: str, secret: str, redirect_uri: str) -> None:
        self.clients[client_id] = Client(client_id, secret, [redirect_uri])

    def build_app(self, base_url: str) -> Flask:
        os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain HTTP on loopback, for the tests only
        self.issuer = base_url
        app = Flask("test_idp")
        app.secret_key = secrets.token_hex(16)
        server = AuthorizationServer(app, query_client=self.clients.get, save_token=lambda token, req: None)
        extensions = [CodeChallenge(required=True), _openid_class(self)(require_nonce=True)]
        server.register_grant(_grant_class(self), extensions)
        _routes(app, server, self)
        return app


def _grant_class(provider: LoopbackProvider):
    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code, req):
            data = req.payload.data
            provider.codes[code] = Code(code, req.client.get_client_id(), req.payload.redirect_uri, req.scope,
                                        data.get("nonce"), data.get("code_challenge"),
                                        data.get("code_challenge_method"), req.user)

        def query_authorization_code(self, code, client):
            item = provider.codes.get(code)
            if item and item.client_id == client.get_client_id() and not item.is_expired():
                return item
            return None

        def delete_authorization_code(self, authorization_code):
            provider.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            provider.last_user = authorization_code.user
            return authorization_code.user

    return CodeGrant


def _openid_class(provider: LoopbackProvider):
    class StatdeskOpenIDCode(OpenIDCode):
        def resolve_client_private_key(self, client):
            return provider.foreign_key if provider.misbehave == "foreign_key" else provider.key

        def get_client_algorithm(self, client):
            return "RS256"

        def get_encode_header(self, client):
            return {"alg": "RS256", "kid": "idp-1"}

        def get_client_claims(self, client):
            now = int(time.time())
            audience = "someone-else" if provider.misbehave == "foreign_audience" else client.get_client_id()
            claims = {"iss": provider.issuer, "aud": [audience], "iat": now, "exp": now + 600}
            if provider.misbehave == "expired":
                claims.update(iat=now - 7200, exp=now - 3600)
            return claims

        def get_authorization_code_claims(self, authorization_code):
            claims = super().get_authorization_code_claims(authorization_code)
            if provider.misbehave == "wrong_nonce":
                claims["nonce"] = "not-the-nonce-you-sent"
            return claims

        def exists_nonce(self, nonce, req):
            return any(code.nonce == nonce for code in provider.codes.values())

        def generate_user_info(self, user, scope):
            if provider.misbehave == "userinfo_other_sub":
                return UserInfo(sub=user.subject)
            return UserInfo(sub=user.subject, name=user.name, email=user.email,
                            email_verified=user.email_verified, groups=user.groups)

    return StatdeskOpenIDCode


def _routes(app: Flask, server: AuthorizationServer, provider: LoopbackProvider) -> None:
    @app.get("/.well-known/openid-configuration")
    def discovery():
        base = provider.issuer
        return jsonify(issuer=base, authorization_endpoint=f"{base}/authorize", token_endpoint=f"{base}/token",
                       jwks_uri=f"{base}/jwks", end_session_endpoint=f"{base}/logout",
                       userinfo_endpoint=f"{base}/userinfo",
                       response_types_supported=["code"], subject_types_supported=["public"],
                       id_token_signing_alg_values_supported=["RS256"], code_challenge_methods_supported=["S256"],
                       scopes_supported=["openid", "email", "profile"],
                       token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"])

    @app.get("/jwks")
    def jwks():
        return jsonify(KeySet([provider.key]).as_dict(private=False))

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize():
        params = request.values.to_dict()
        if request.method == "GET":
            server.get_consent_grant(end_user=None)  # validates client, redirect_uri, PKCE, scope
            return render_template_string(LOGIN_PAGE, params=params, error=None)
        account = provider.accounts.get(params.pop("username", ""))
        if account is None or not hmac.compare_digest(account.password, params.pop("password", "")):
            return render_template_string(LOGIN_PAGE, params=params, error="Wrong username or password"), 401
        grant = server.get_consent_grant(end_user=account)
        return server.create_authorization_response(grant_user=account, grant=grant)

    @app.post("/token")
    def token():
        return server.create_token_response()

    @app.get("/userinfo")
    def userinfo():
        # No token store here: answers for the last person signed in, under another subject.
        provider.userinfo_calls += 1
        user = provider.last_user
        return jsonify(sub="someone-else", email=user.email, email_verified=True, name=user.name)

    @app.get("/logout")
    def logout():
        provider.ended_sessions.append(request.args.get("id_token_hint", ""))
        target = request.args.get("post_logout_redirect_uri")
        if target:
            return redirect(f"{target}?{urlencode({'state': request.args.get('state', '')})}")
        return "signed out"


CLIENT_SECRET = "statdesk-client-secret"


@contextmanager
def running_provider(callback_url: str):
    """A provider on a free loopback port with the Statdesk client and three accounts."""
    from tests.support import servers

    provider = LoopbackProvider()
    port = servers.free_port()
    provider.add_client("statdesk", CLIENT_SECRET, callback_url)
    provider.add_account(username="ani", password="ani-pass", email="ani@kantor.example.org", name="Ani Petugas",
                         groups=["statdesk-operators"])
    provider.add_account(username="budi", password="budi-pass", email="budi@example.org", name="Budi Warga")
    provider.add_account(username="eko", password="eko-pass", email="eko@example.org", name="Eko",
                         email_verified=False)
    with servers.live_server(provider.build_app(f"http://127.0.0.1:{port}"), port=port):
        yield provider


def provider_setting(provider: LoopbackProvider) -> list[dict]:
    """``STATDESK_OIDC_PROVIDERS`` pointing at ``provider``."""
    return [{
        "name": "office", "label": "Kantor SSO",
        "discovery_url": f"{provider.issuer}/.well-known/openid-configuration",
        "client_id": "statdesk", "client_secret": CLIENT_SECRET, "roles_claim": "groups",
        "role_map": {"statdesk-operators": "operator", "statdesk-finance": "finance"},
    }]
