"""awscli v1's `aws sso …` and `aws sso-oidc …` commands against the sandbox, run in one process
(python starts once): every operation, paging and every error type. Prints {check: {ok, detail}}."""
import contextlib
import io
import json
import os
import tempfile

from awscli.clidriver import create_clidriver

from common import DEVICE_GRANT, START_URL, URL, admin, check, finish

# awscli v1 would fetch an https:// parameter value (the start URL) as a file; turn that off.
_config = os.path.join(tempfile.mkdtemp(), "config")
with open(_config, "w") as f:
    f.write("[default]\ncli_follow_urlparam = false\nregion = us-east-1\n")
os.environ["AWS_CONFIG_FILE"] = _config
os.environ["AWS_MAX_ATTEMPTS"] = "1"
os.environ["AWS_RETRY_MODE"] = "standard"


_driver = create_clidriver()


def aws(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = _driver.main(["--output", "json", *args])
    text = out.getvalue()
    return rc, (json.loads(text) if text.strip() else None), err.getvalue()


def ok(name, *args):
    rc, out, err = aws(*args)
    check(name, rc == 0, err or out)
    return out or {}


def fails(name, error_type, *args):
    rc, out, err = aws(*args)
    check(name, rc != 0 and f"({error_type})" in err, f"rc={rc} {err}")


c = ok("sso-oidc register-client", "sso-oidc", "register-client", "--client-name", "awscli",
       "--client-type", "public", "--scopes", "sso:account:access")
cid = ["--client-id", c.get("clientId", ""), "--client-secret", c.get("clientSecret", "")]
pk = ok("sso-oidc register-client (PKCE)", "sso-oidc", "register-client", "--client-name", "awscli-pkce",
        "--client-type", "public", "--scopes", "sso:account:access",
        "--grant-types", "authorization_code", "refresh_token",
        "--redirect-uris", "http://127.0.0.1/oauth/callback")
pid = ["--client-id", pk.get("clientId", ""), "--client-secret", pk.get("clientSecret", "")]
fails("register-client InvalidClientMetadataException", "InvalidClientMetadataException",
      "sso-oidc", "register-client", "--client-name", "x", "--client-type", "private")
fails("register-client InvalidScopeException", "InvalidScopeException",
      "sso-oidc", "register-client", "--client-name", "x", "--client-type", "public", "--scopes", "no good")
fails("register-client UnsupportedGrantTypeException", "UnsupportedGrantTypeException",
      "sso-oidc", "register-client", "--client-name", "x", "--client-type", "public", "--grant-types", "password")
fails("register-client InvalidRedirectUriException", "InvalidRedirectUriException",
      "sso-oidc", "register-client", "--client-name", "x", "--client-type", "public",
      "--grant-types", "authorization_code", "--redirect-uris", "https://example.com/")
fails("register-client InvalidRequestException", "InvalidRequestException",
      "sso-oidc", "register-client", "--client-name", "x", "--client-type", "public", "--issuer-url", "http://x")

# A long polling interval keeps "too fast" true however slow the machine is.
admin("lifetimes", {"deviceIntervalSeconds": 30})
d = ok("sso-oidc start-device-authorization", "sso-oidc", "start-device-authorization", *cid, "--start-url", START_URL)
fails("start-device-authorization InvalidClientException", "InvalidClientException",
      "sso-oidc", "start-device-authorization", "--client-id", "nope", "--client-secret", "x", "--start-url", START_URL)
fails("start-device-authorization UnauthorizedClientException", "UnauthorizedClientException",
      "sso-oidc", "start-device-authorization", *pid, "--start-url", START_URL)
poll = ["sso-oidc", "create-token", *cid, "--grant-type", DEVICE_GRANT, "--device-code", d.get("deviceCode", "")]
fails("create-token AuthorizationPendingException", "AuthorizationPendingException", *poll)
fails("create-token SlowDownException", "SlowDownException", *poll)
admin("approve", {"userCode": d.get("userCode")})
tok = ok("sso-oidc create-token (device code)", *poll)
fails("create-token InvalidGrantException", "InvalidGrantException", *poll)
fails("create-token UnsupportedGrantTypeException", "UnsupportedGrantTypeException",
      "sso-oidc", "create-token", *cid, "--grant-type", "password")
fails("create-token UnauthorizedClientException", "UnauthorizedClientException",
      "sso-oidc", "create-token", *cid, "--grant-type", "authorization_code", "--code", "x")
fails("create-token InvalidRequestException", "InvalidRequestException",
      "sso-oidc", "create-token", *cid, "--grant-type", DEVICE_GRANT)
fails("create-token InvalidClientException", "InvalidClientException",
      "sso-oidc", "create-token", "--client-id", "x", "--client-secret", "y", "--grant-type", DEVICE_GRANT)
d2 = ok("start-device-authorization (2)", "sso-oidc", "start-device-authorization", *cid, "--start-url", START_URL)
admin("deny", {"userCode": d2.get("userCode")})
fails("create-token AccessDeniedException", "AccessDeniedException",
      "sso-oidc", "create-token", *cid, "--grant-type", DEVICE_GRANT, "--device-code", d2.get("deviceCode", ""))
d3 = ok("start-device-authorization (3)", "sso-oidc", "start-device-authorization", *cid, "--start-url", START_URL)
admin("approve", {"userCode": d3.get("userCode")})
fails("create-token InvalidScopeException", "InvalidScopeException",
      "sso-oidc", "create-token", *cid, "--grant-type", DEVICE_GRANT, "--device-code", d3.get("deviceCode", ""),
      "--scope", "openid")
admin("lifetimes", {"deviceCodeSeconds": 0})
d4 = ok("start-device-authorization (4)", "sso-oidc", "start-device-authorization", *cid, "--start-url", START_URL)
admin("lifetimes", {"deviceCodeSeconds": 600})
fails("create-token ExpiredTokenException", "ExpiredTokenException",
      "sso-oidc", "create-token", *cid, "--grant-type", DEVICE_GRANT, "--device-code", d4.get("deviceCode", ""))
admin("faults", {"forceError": {"operation": "CreateToken", "error": "InternalServerException", "status": 500, "times": 1}})
fails("create-token InternalServerException", "InternalServerException",
      "sso-oidc", "create-token", *cid, "--grant-type", DEVICE_GRANT, "--device-code", "x")
r = ok("sso-oidc create-token (refresh token)", "sso-oidc", "create-token", *cid, "--grant-type", "refresh_token",
       "--refresh-token", tok.get("refreshToken", ""))
check("refresh rotates", r.get("refreshToken") not in (None, tok.get("refreshToken")), "")

at = ["--access-token", tok.get("accessToken", "")]
accounts = ok("sso list-accounts (paged by 2)", "sso", "list-accounts", *at, "--page-size", "2")
check("list-accounts follows nextToken", [a["accountName"] for a in accounts.get("accountList", [])] ==
      ["prod", "staging", "dev", "security", "shared-services"], accounts)
roles = ok("sso list-account-roles", "sso", "list-account-roles", *at, "--account-id", "333333333333", "--page-size", "1")
check("list-account-roles follows nextToken", len(roles.get("roleList", [])) == 3, roles)
creds = ok("sso get-role-credentials", "sso", "get-role-credentials", *at, "--account-id", "333333333333",
           "--role-name", "PowerUserAccess")
check("role credentials", creds.get("roleCredentials", {}).get("accessKeyId", "").startswith("ASIA"), creds)
fails("list-accounts InvalidRequestException", "InvalidRequestException", "sso", "list-accounts", *at, "--page-size", "101")
fails("list-account-roles ResourceNotFoundException", "ResourceNotFoundException",
      "sso", "list-account-roles", *at, "--account-id", "123123123123")
fails("get-role-credentials ForbiddenException", "ForbiddenException",
      "sso", "get-role-credentials", *at, "--account-id", "666666666666", "--role-name", "ReadOnlyAccess")
admin("faults", {"forceError": {"operation": "ListAccountRoles", "error": "TooManyRequestsException", "status": 429, "times": 1}})
fails("list-account-roles TooManyRequestsException", "TooManyRequestsException",
      "sso", "list-account-roles", *at, "--account-id", "333333333333")
ok("sso logout", "sso", "logout", *at)
fails("list-accounts UnauthorizedException", "UnauthorizedException", "sso", "list-accounts", *at)
fails("logout UnauthorizedException", "UnauthorizedException", "sso", "logout", *at)

finish()
