// A real OpenID provider (panva/oidc-provider) standing in for Microsoft Entra
// in tests: a public native client with PKCE required, loopback redirects on
// any port, refresh tokens with rotation, and revocation. It serves at
// http://127.0.0.1:<port>/identity_ with the paths the app uses
// (/connect/authorize, /connect/token, /connect/revocation), prints
// "OIDC_READY <port>" once listening, and keeps its state in memory.
//
// OIDC_EXTRA_CLIENTS (optional): a JSON array of more client metadata, e.g.
// the sandbox's connectors as a confidential client
// (crates/sandbox/tests/provisioning.rs). Unset, only "connassist" exists.
// OIDC_ACCESS_TOKEN_TTL (optional): access tokens' lifetime in seconds
// (default 3600), short when a test needs every use to refresh.
//
// Revoking any token of a sign-in ends the whole grant, refresh tokens
// included, as Entra's "revoke sessions" (and a password change) does.
import http from "node:http";
import Provider from "oidc-provider";

const PREFIX = "/identity_";
const extraClients = JSON.parse(process.env.OIDC_EXTRA_CLIENTS || "[]");
const server = http.createServer();

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  const provider = new Provider(`http://127.0.0.1:${port}${PREFIX}`, {
    clients: [
      {
        client_id: "connassist",
        application_type: "native",
        token_endpoint_auth_method: "none",
        redirect_uris: ["http://127.0.0.1/callback"],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
      },
      ...extraClients,
    ],
    pkce: { required: () => true },
    routes: {
      authorization: "/connect/authorize",
      token: "/connect/token",
      revocation: "/connect/revocation",
    },
    features: { revocation: { enabled: true }, devInteractions: { enabled: true } },
    scopes: ["openid", "offline_access"],
    // Like Entra: a refresh token for every code, rotated on every use.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: true,
    revokeGrantPolicy: () => true,
    ttl: { AccessToken: Number(process.env.OIDC_ACCESS_TOKEN_TTL || 3600) },
    cookies: { keys: ["connassist-test-only-cookie-key"] },
  });
  provider.on("server_error", (_ctx, err) => console.error("oidc-provider error:", err));
  const callback = provider.callback();
  server.on("request", (req, res) => {
    if (!req.url.startsWith(PREFIX)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    // Mounted under /identity_, the way express mounts it.
    req.originalUrl = req.url;
    req.url = req.url.slice(PREFIX.length) || "/";
    callback(req, res);
  });
  console.log(`OIDC_READY ${port}`);
});
