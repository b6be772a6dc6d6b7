"""Helpers shared by the sandbox conformance scripts: the admin API and a check recorder."""
import json
import os
import sys
import urllib.parse
import urllib.request

URL = os.environ["SANDBOX_URL"]
START_URL = os.environ["SANDBOX_START_URL"]
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"

checks = {}


def check(name, ok, detail=""):
    checks[name] = {"ok": bool(ok), "detail": str(detail)[:500]}


def raises(name, fn, exc_class=None, code=None):
    """Records whether fn raised exc_class (a modelled class) or a ClientError with this code."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - we record whatever was raised
        got_code = getattr(e, "response", {}).get("Error", {}).get("Code")
        ok = (exc_class is None or isinstance(e, exc_class)) and (code is None or got_code == code)
        check(name, ok, f"{type(e).__name__} {got_code}: {e}")
        return e
    check(name, False, "no exception")
    return None


def admin(name, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        f"{URL}/_sandbox/{name}", data=data, headers={"content-type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(req) as res:
        return json.loads(res.read())


def http_get(url):
    """GET without following redirects; returns (status, location, body)."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url) as res:
            return res.status, res.headers.get("location"), res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("location"), e.read().decode()


def finish():
    json.dump(checks, sys.stdout)
    sys.stdout.flush()
