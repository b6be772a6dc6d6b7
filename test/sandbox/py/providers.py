"""botocore's own SSO credential provider (and awscli v1 on top of it) against the sandbox, with the
token cache and config the test wrote. With MOTO=1, STS is moto with authorization on."""
import contextlib
import io
import json
import os

import boto3
import botocore.exceptions
from awscli.clidriver import create_clidriver

from common import check, finish

MOTO = os.environ.get("MOTO") == "1"


def identity(profile):
    return boto3.session.Session(profile_name=profile).client("sts").get_caller_identity()


dev = identity("dev")
check("sso profile → GetCallerIdentity", dev["Arn"] == "arn:aws:sts::333333333333:assumed-role/PowerUserAccess/alice"
      and dev["Account"] == "333333333333", dev["Arn"])
creds = boto3.session.Session(profile_name="dev").get_credentials()
check("sso credentials method", creds.method == "sso", creds.method)
chained = identity("chained")
check("chained role (sso → role_arn)", chained["Arn"] == "arn:aws:sts::222222222222:assumed-role/deploy/chain", chained["Arn"])

out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    rc = create_clidriver().main(["sts", "get-caller-identity", "--profile", "chained", "--output", "json"])
check("awscli v1 --profile chained", rc == 0 and json.loads(out.getvalue() or "{}").get("Arn", "").endswith(
    "assumed-role/deploy/chain"), out.getvalue() + err.getvalue())

refreshed = identity("refreshing")
check("near-expiry token refreshed by botocore", refreshed["Account"] == "111111111111", refreshed["Arn"])

if MOTO:
    ro = boto3.session.Session(profile_name="readonly").client("s3")
    buckets = ro.list_buckets()
    check("moto: ReadOnlyAccess may list buckets", "Buckets" in buckets, buckets.get("Buckets"))
    try:
        ro.create_bucket(Bucket="not-allowed")
        check("moto: ReadOnlyAccess may not create a bucket", False, "created")
    except botocore.exceptions.ClientError as e:
        check("moto: ReadOnlyAccess may not create a bucket", e.response["Error"]["Code"] == "AccessDenied",
              e.response["Error"])
    admin = boto3.session.Session(profile_name="dev").client("s3")
    admin.create_bucket(Bucket="made-by-poweruser")
    check("moto: PowerUserAccess creates a bucket", True, "")
    try:
        identity("bogus")
        check("moto: unknown keys are rejected", False, "accepted")
    except botocore.exceptions.ClientError as e:
        check("moto: unknown keys are rejected", e.response["Error"]["Code"] == "InvalidClientTokenId",
              e.response["Error"])

finish()
