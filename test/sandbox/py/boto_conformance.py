"""boto3's sso-oidc and sso clients against the sandbox: every operation, paging and every modelled
error class. Prints {check: {ok, detail}} as JSON."""
import base64
import hashlib
import os
import secrets
import urllib.parse

import boto3
import botocore.config
import botocore.exceptions

from common import DEVICE_GRANT, START_URL, URL, admin, check, finish, http_get, raises

session = boto3.session.Session(region_name="us-east-1")
no_retry = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"})
oidc = session.client("sso-oidc", config=no_retry)
sso = session.client("sso", config=no_retry)
check("endpoint from AWS_ENDPOINT_URL_SSO_OIDC", oidc.meta.endpoint_url == URL, oidc.meta.endpoint_url)
check("endpoint from AWS_ENDPOINT_URL_SSO", sso.meta.endpoint_url == URL, sso.meta.endpoint_url)
E = oidc.exceptions

# RegisterClient
c = oidc.register_client(clientName="boto", clientType="public", scopes=["sso:account:access"])
check("RegisterClient", c["clientId"] and c["clientSecretExpiresAt"] > c["clientIdIssuedAt"], c["clientIdIssuedAt"])
cid = {"clientId": c["clientId"], "clientSecret": c["clientSecret"]}
raises("RegisterClient InvalidClientMetadataException",
       lambda: oidc.register_client(clientName="x", clientType="private"), E.InvalidClientMetadataException)
raises("RegisterClient InvalidScopeException",
       lambda: oidc.register_client(clientName="x", clientType="public", scopes=["bad scope"]), E.InvalidScopeException)
raises("RegisterClient UnsupportedGrantTypeException",
       lambda: oidc.register_client(clientName="x", clientType="public", grantTypes=["password"]),
       E.UnsupportedGrantTypeException)
raises("RegisterClient InvalidRedirectUriException",
       lambda: oidc.register_client(clientName="x", clientType="public", grantTypes=["authorization_code"],
                                    redirectUris=["https://example.com/cb"]), E.InvalidRedirectUriException)
raises("RegisterClient InvalidRequestException",
       lambda: oidc.register_client(clientName="x", clientType="public", issuerUrl="http://not-https"),
       E.InvalidRequestException)

# StartDeviceAuthorization + CreateToken (device code)
# A long polling interval keeps "too fast" true however slow the machine is.
admin("lifetimes", {"deviceIntervalSeconds": 30})
d = oidc.start_device_authorization(startUrl=START_URL, **cid)
check("StartDeviceAuthorization", d["userCode"] and d["verificationUriComplete"].startswith(URL), d["userCode"])
raises("StartDeviceAuthorization InvalidClientException",
       lambda: oidc.start_device_authorization(clientId=c["clientId"], clientSecret="nope", startUrl=START_URL),
       E.InvalidClientException)
raises("StartDeviceAuthorization InvalidRequestException",
       lambda: oidc.start_device_authorization(startUrl="https://elsewhere.awsapps.com/start", **cid),
       E.InvalidRequestException)
pkce = oidc.register_client(clientName="boto-pkce", clientType="public", scopes=["sso:account:access"],
                            grantTypes=["authorization_code", "refresh_token"],
                            redirectUris=["http://127.0.0.1/oauth/callback"], issuerUrl=START_URL)
pid = {"clientId": pkce["clientId"], "clientSecret": pkce["clientSecret"]}
raises("StartDeviceAuthorization UnauthorizedClientException",
       lambda: oidc.start_device_authorization(startUrl=START_URL, **pid), E.UnauthorizedClientException)

poll = lambda: oidc.create_token(grantType=DEVICE_GRANT, deviceCode=d["deviceCode"], **cid)  # noqa: E731
raises("CreateToken AuthorizationPendingException", poll, E.AuthorizationPendingException)
raises("CreateToken SlowDownException", poll, E.SlowDownException)
admin("approve", {"userCode": d["userCode"]})
tok = poll()
check("CreateToken device_code", tok["tokenType"] == "Bearer" and tok["refreshToken"], tok["expiresIn"])
raises("CreateToken InvalidGrantException (used device code)", poll, E.InvalidGrantException)
raises("CreateToken InvalidClientException",
       lambda: oidc.create_token(clientId=c["clientId"], clientSecret="x", grantType=DEVICE_GRANT, deviceCode="d"),
       E.InvalidClientException)
raises("CreateToken UnsupportedGrantTypeException",
       lambda: oidc.create_token(grantType="password", **cid), E.UnsupportedGrantTypeException)
raises("CreateToken UnauthorizedClientException",
       lambda: oidc.create_token(grantType="authorization_code", code="x", redirectUri="http://127.0.0.1/oauth/callback",
                                 codeVerifier="v" * 64, **cid), E.UnauthorizedClientException)
raises("CreateToken InvalidRequestException",
       lambda: oidc.create_token(grantType=DEVICE_GRANT, **cid), E.InvalidRequestException)
d2 = oidc.start_device_authorization(startUrl=START_URL, **cid)
admin("deny", {"userCode": d2["userCode"]})
raises("CreateToken AccessDeniedException",
       lambda: oidc.create_token(grantType=DEVICE_GRANT, deviceCode=d2["deviceCode"], **cid), E.AccessDeniedException)
d3 = oidc.start_device_authorization(startUrl=START_URL, **cid)
admin("approve", {"userCode": d3["userCode"]})
raises("CreateToken InvalidScopeException",
       lambda: oidc.create_token(grantType=DEVICE_GRANT, deviceCode=d3["deviceCode"], scope=["openid"], **cid),
       E.InvalidScopeException)
admin("lifetimes", {"deviceCodeSeconds": 0})
d4 = oidc.start_device_authorization(startUrl=START_URL, **cid)
raises("CreateToken ExpiredTokenException",
       lambda: oidc.create_token(grantType=DEVICE_GRANT, deviceCode=d4["deviceCode"], **cid), E.ExpiredTokenException)
admin("lifetimes", {"deviceCodeSeconds": 600})
admin("faults", {"forceError": {"operation": "CreateToken", "error": "InternalServerException", "status": 500, "times": 1}})
raises("CreateToken InternalServerException", poll, E.InternalServerException)

# Authorization code + PKCE: the page is fetched, the admin API plays the user's Allow.
verifier = secrets.token_urlsafe(48)[:64]
challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
redirect_uri = "http://127.0.0.1:45999/oauth/callback"
status, _, page = http_get(f"{URL}/authorize?" + urllib.parse.urlencode({
    "response_type": "code", "client_id": pkce["clientId"], "redirect_uri": redirect_uri, "state": "s1",
    "code_challenge_method": "S256", "scopes": "sso:account:access", "code_challenge": challenge}))
check("authorize page", status == 200 and "boto-pkce" in page, status)
decided = admin("approve", {"deliver": False})
code = urllib.parse.parse_qs(urllib.parse.urlparse(decided["redirects"][0]).query)["code"][0]
ptok = oidc.create_token(grantType="authorization_code", code=code, redirectUri=redirect_uri, codeVerifier=verifier, **pid)
check("CreateToken authorization_code", ptok["accessToken"] and ptok["refreshToken"], ptok["expiresIn"])
raises("CreateToken InvalidGrantException (code reuse)",
       lambda: oidc.create_token(grantType="authorization_code", code=code, redirectUri=redirect_uri,
                                 codeVerifier=verifier, **pid), E.InvalidGrantException)
rtok = oidc.create_token(grantType="refresh_token", refreshToken=ptok["refreshToken"], **pid)
check("CreateToken refresh_token rotates", rtok["refreshToken"] != ptok["refreshToken"], "")
raises("CreateToken InvalidGrantException (spent refresh token)",
       lambda: oidc.create_token(grantType="refresh_token", refreshToken=ptok["refreshToken"], **pid),
       E.InvalidGrantException)

# SSO portal
S = sso.exceptions
at = tok["accessToken"]
page1 = sso.list_accounts(accessToken=at, maxResults=2)
check("ListAccounts page", len(page1["accountList"]) == 2 and page1.get("nextToken"), page1.get("nextToken"))
allacc = sso.get_paginator("list_accounts").paginate(accessToken=at, PaginationConfig={"PageSize": 2}).build_full_result()
names = [a["accountName"] for a in allacc["accountList"]]
check("ListAccounts paginator", names == ["prod", "staging", "dev", "security", "shared-services"], names)
roles = sso.get_paginator("list_account_roles").paginate(
    accessToken=at, accountId="222222222222", PaginationConfig={"PageSize": 1}).build_full_result()
check("ListAccountRoles paginator", [r["roleName"] for r in roles["roleList"]] ==
      ["AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess"], roles["roleList"])
rc = sso.get_role_credentials(accessToken=at, accountId="111111111111", roleName="AdministratorAccess")["roleCredentials"]
check("GetRoleCredentials", rc["accessKeyId"].startswith("ASIA") and rc["expiration"] > 10**12, rc["expiration"])
raises("InvalidRequestException (max_result 101)", lambda: sso.list_accounts(accessToken=at, maxResults=101),
       S.InvalidRequestException)
raises("ResourceNotFoundException", lambda: sso.list_account_roles(accessToken=at, accountId="123123123123"),
       S.ResourceNotFoundException)
raises("ForbiddenException (not assigned)",
       lambda: sso.get_role_credentials(accessToken=at, accountId="666666666666", roleName="ReadOnlyAccess"),
       botocore.exceptions.ClientError, "ForbiddenException")
raises("UnauthorizedException (unknown token)", lambda: sso.list_accounts(accessToken="aoa-bogus"),
       S.UnauthorizedException)
admin("faults", {"forceError": {"operation": "ListAccounts", "error": "TooManyRequestsException", "status": 429, "times": 1}})
raises("TooManyRequestsException", lambda: sso.list_accounts(accessToken=at), S.TooManyRequestsException)
sso.logout(accessToken=at)
raises("UnauthorizedException after Logout", lambda: sso.list_accounts(accessToken=at), S.UnauthorizedException)
raises("Logout UnauthorizedException", lambda: sso.logout(accessToken=at), S.UnauthorizedException)
admin("expire", {"kind": "access"})
raises("UnauthorizedException (expired)", lambda: sso.list_accounts(accessToken=rtok["accessToken"]),
       S.UnauthorizedException)

finish()
