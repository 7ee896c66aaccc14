"""Bucket and object settings commands, end to end: the real executable against the moto server
(IAM and signatures enforced), the server's state read back through boto3.

Expected lines and exit codes are upstream s3cmd 2.4.0's for the same operation against the
same server (checked side by side); COMPATIBILITY.md lists where we differ on purpose.
moto has no RequestPayment API (GET ?requestPayment answers a listing): ``payer`` is checked
against a small recording server instead.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.exceptions import ClientError

from tests.conftest import S3cmdRunner, write_config
from tests.servers import Identity, MotoServer

pytestmark = pytest.mark.e2e

OWNER = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"  # moto's canonical owner id
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"


def write(s3cmd: S3cmdRunner, name: str, text: str) -> str:
    (s3cmd.home / name).write_text(text)
    return name


def one_error(stderr: str, *parts: str) -> None:
    """Exactly one line, ``ERROR: …``, saying what is named."""
    assert stderr.startswith("ERROR: ") and stderr.count("\n") == 1, stderr
    for part in parts:
        assert part in stderr, stderr


def error_code(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"]


def info_lines(s3cmd: S3cmdRunner, uri: str) -> list[str]:
    result = s3cmd("info", uri)
    assert result.rc == 0, result.output
    return result.stdout.splitlines()


POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"}],
}
CORS = ("<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
        "</CORSRule></CORSConfiguration>")


# -- policy, CORS ----------------------------------------------------------------------------

def test_setpolicy_delpolicy(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    text = json.dumps(POLICY)
    write(s3cmd, "policy.json", text)
    dry = s3cmd("setpolicy", "-n", "policy.json", f"s3://{bucket}")
    assert (dry.rc, dry.output) == (0, "")
    assert error_code(lambda: s3.get_bucket_policy(Bucket=bucket)) == "NoSuchBucketPolicy"

    done = s3cmd("setpolicy", "policy.json", f"s3://{bucket}")
    assert (done.rc, done.stdout) == (0, f"s3://{bucket}/: Policy updated\n"), done.output
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == POLICY
    assert f"   Policy:    {text}" in info_lines(s3cmd, f"s3://{bucket}")

    deleted = s3cmd("delpolicy", f"s3://{bucket}")
    assert (deleted.rc, deleted.stdout) == (0, f"s3://{bucket}/: Policy deleted\n")
    assert error_code(lambda: s3.get_bucket_policy(Bucket=bucket)) == "NoSuchBucketPolicy"
    assert "   Policy:    none" in info_lines(s3cmd, f"s3://{bucket}")


def test_setpolicy_of_a_missing_file_or_bucket(s3cmd: S3cmdRunner, bucket: str) -> None:
    missing = s3cmd("setpolicy", "nowhere.json", f"s3://{bucket}")
    assert missing.rc == 74
    one_error(missing.stderr, "nowhere.json")
    write(s3cmd, "policy.json", json.dumps(POLICY))
    no_bucket = s3cmd("setpolicy", "policy.json", "s3://no-such-bucket-here")
    assert no_bucket.rc == 12
    one_error(no_bucket.stderr, "NoSuchBucket")
    short = s3cmd("setpolicy", "policy.json")
    assert short.rc == 64
    one_error(short.stderr, "Not enough parameters for command 'setpolicy'")


def test_setcors_delcors(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    write(s3cmd, "cors.xml", CORS)
    done = s3cmd("setcors", "cors.xml", f"s3://{bucket}")
    assert (done.rc, done.stdout) == (0, f"s3://{bucket}/: CORS updated\n"), done.output
    rules = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
    assert [(r["AllowedOrigins"], r["AllowedMethods"]) for r in rules] == [(["*"], ["GET"])]
    assert any(line.startswith("   CORS:      <?xml") for line in info_lines(s3cmd, f"s3://{bucket}"))

    deleted = s3cmd("delcors", f"s3://{bucket}")
    assert (deleted.rc, deleted.stdout) == (0, f"s3://{bucket}/: CORS deleted\n")
    assert error_code(lambda: s3.get_bucket_cors(Bucket=bucket)) == "NoSuchCORSConfiguration"


# -- IAM: a limited identity may not change another's bucket -----------------------------------

@pytest.mark.parametrize("command", [
    ["setpolicy", "policy.json", "{uri}"],
    ["setacl", "--acl-public", "{uri}"],
    ["setversioning", "{uri}", "enable"],
    ["settagging", "{uri}", "a=1"],
    ["ws-create", "{uri}"],
])
def test_limited_identity_is_denied(s3cmd: S3cmdRunner, bucket: str, s3, moto_server: MotoServer,  # type: ignore[no-untyped-def]
                                    identities: dict[str, Identity], command: list[str]) -> None:
    write(s3cmd, "policy.json", json.dumps(POLICY))
    limited = write_config(s3cmd.home / "limited.cfg", moto_server, identities["limited"])
    denied = s3cmd(*[part.format(uri=f"s3://{bucket}") for part in command], config=limited)
    assert denied.rc == 77, denied.output
    one_error(denied.stderr, "AccessDenied")
    assert denied.stdout == ""
    assert error_code(lambda: s3.get_bucket_policy(Bucket=bucket)) == "NoSuchBucketPolicy"
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    assert all(g["Grantee"].get("URI") != ALL_USERS for g in s3.get_bucket_acl(Bucket=bucket)["Grants"])


def test_limited_identity_may_set_its_own_buckets(s3cmd: S3cmdRunner, s3, moto_server: MotoServer,  # type: ignore[no-untyped-def]
                                                  identities: dict[str, Identity]) -> None:
    name = f"allowed-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    write(s3cmd, "policy.json", json.dumps(POLICY))
    limited = write_config(s3cmd.home / "limited.cfg", moto_server, identities["limited"])
    done = s3cmd("setpolicy", "policy.json", f"s3://{name}", config=limited)
    assert (done.rc, done.stdout) == (0, f"s3://{name}/: Policy updated\n"), done.output
    assert json.loads(s3.get_bucket_policy(Bucket=name)["Policy"]) == POLICY


# -- versioning, ownership, block public access ------------------------------------------------

def test_setversioning(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    on = s3cmd("setversioning", f"s3://{bucket}", "enable")
    assert (on.rc, on.stdout) == (0, f"s3://{bucket}/: Versioning status updated\n")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert "   Versioning:Enabled" in info_lines(s3cmd, f"s3://{bucket}")
    off = s3cmd("setversioning", f"s3://{bucket}", "disable")
    assert (off.rc, off.stdout) == (0, f"s3://{bucket}/: Versioning status updated\n")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"

    bad = s3cmd("setversioning", f"s3://{bucket}", "on")
    assert bad.rc == 64
    one_error(bad.stderr, "Parameter problem: Must be 'enable' or 'disable'. Got: on")
    key = s3cmd("setversioning", f"s3://{bucket}/k", "enable")
    assert key.rc == 64
    one_error(key.stderr, "Only bucket name is required for [setversioning] command")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"


def test_setownership(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    done = s3cmd("setownership", f"s3://{bucket}", "bucketownerenforced")
    assert (done.rc, done.stdout) == (0, f"s3://{bucket}/: Bucket Object Ownership updated\n")
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert "   Ownership: BucketOwnerEnforced" in info_lines(s3cmd, f"s3://{bucket}")
    bad = s3cmd("setownership", f"s3://{bucket}", "Mine")
    assert bad.rc == 64
    one_error(bad.stderr, "Must be bucketownerpreferred or bucketownerenforced or objectwriter. Got: Mine")


def test_setblockpublicaccess(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    done = s3cmd("setblockpublicaccess", f"s3://{bucket}", "BlockPublicAcls,ignorepublicacls")
    assert (done.rc, done.stdout) == (0, f"s3://{bucket}/: Block Public Access updated\n")
    config = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert config == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
                      "RestrictPublicBuckets": False}
    assert "   Block Public Access: BlockPublicAcls,IgnorePublicAcls" in info_lines(s3cmd, f"s3://{bucket}")
    bad = s3cmd("setblockpublicaccess", f"s3://{bucket}", "BlockPublicAcls,nope")
    assert bad.rc == 64
    one_error(bad.stderr, "Got: nope")
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == config


# -- object lock --------------------------------------------------------------------------------

@pytest.fixture
def locked_object(s3) -> str:  # type: ignore[no-untyped-def]
    name = f"lock-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    s3.put_object(Bucket=name, Key="doc", Body=b"x")
    return name


def test_setobjectlegalhold(s3cmd: S3cmdRunner, locked_object: str, s3) -> None:  # type: ignore[no-untyped-def]
    uri = f"s3://{locked_object}/doc"
    bad = s3cmd("setobjectlegalhold", "on", uri)
    assert bad.rc == 64
    one_error(bad.stderr, "Parameter problem: Incorrect status")
    done = s3cmd("setobjectlegalhold", "ON", uri)
    assert (done.rc, done.stdout) == (0, f"{uri}: Legal Hold updated\n"), done.output
    assert s3.get_object_legal_hold(Bucket=locked_object, Key="doc")["LegalHold"] == {"Status": "ON"}
    off = s3cmd("setobjectlegalhold", "OFF", uri)
    assert off.rc == 0
    assert s3.get_object_legal_hold(Bucket=locked_object, Key="doc")["LegalHold"] == {"Status": "OFF"}


def test_setobjectretention(s3cmd: S3cmdRunner, locked_object: str, s3) -> None:  # type: ignore[no-untyped-def]
    uri = f"s3://{locked_object}/doc"
    bad_mode = s3cmd("setobjectretention", "LOOSE", "2031-01-02T03:04:05Z", uri)
    assert bad_mode.rc == 64
    one_error(bad_mode.stderr, "Parameter problem: Incorrect mode")
    bad_date = s3cmd("setobjectretention", "GOVERNANCE", "2031-01-02", uri)
    assert bad_date.rc == 64
    one_error(bad_date.stderr, "Incorrect data format, should be YYYY-MM-DDTHH:MM:SSZ")
    assert "ObjectLockMode" not in s3.head_object(Bucket=locked_object, Key="doc")

    done = s3cmd("setobjectretention", "GOVERNANCE", "2031-01-02T03:04:05Z", uri)
    assert (done.rc, done.stdout) == (0, f"{uri}: Retention updated\n"), done.output
    # moto's GetObjectRetention fails (500); HEAD shows the retention it stored
    head = s3.head_object(Bucket=locked_object, Key="doc")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["ObjectLockRetainUntilDate"].isoformat() == "2031-01-02T03:04:05+00:00"


# -- payer (moto has no RequestPayment: a recording server) -------------------------------------

@dataclass
class Recorder:
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


OWNER_ONLY_ACL = (
    '<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>owner1</ID></Owner>'
    '<AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:type="CanonicalUser"><ID>owner1</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>'
    "</AccessControlList></AccessControlPolicy>"
)
LISTING = (
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><IsTruncated>false</IsTruncated>'
    + "".join(f"<Contents><Key>dir/{k}</Key><Size>1</Size><ETag>\"e\"</ETag>"
              "<LastModified>2026-01-01T00:00:00.000Z</LastModified></Contents>" for k in ("a", "b"))
    + "</ListBucketResult>"
)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    record = Recorder()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_PUT(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            record.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            self.answer(b"")

        def do_GET(self) -> None:  # noqa: N802
            """An owner-only ACL for ``?acl``; any other GET lists two keys under ``dir/``."""
            if self.path.endswith("?acl="):
                self.answer(OWNER_ONLY_ACL.encode())
            else:
                self.answer(LISTING.encode())

        def answer(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield record
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("options", "payer"), [((), "BucketOwner"), (("--requester-pays",), "Requester")])
def test_payer(s3cmd: S3cmdRunner, recorder: Recorder, identities: dict[str, Identity],
               options: tuple[str, ...], payer: str) -> None:
    config = write_config(s3cmd.home / "recorder.cfg", recorder, identities["admin"])  # type: ignore[arg-type]
    done = s3cmd("payer", *options, "s3://paying", config=config)
    assert (done.rc, done.stdout) == (0, "s3://paying/: Payer updated\n"), done.output
    [(method, path, headers, body)] = recorder.requests
    assert (method, path) == ("PUT", "/paying/?requestPayment=")
    assert f"<Payer>{payer}</Payer>" in body.decode()
    assert body.decode().count("<RequestPaymentConfiguration") == 1
    assert "authorization" in headers and "content-md5" in headers


# -- access logging -----------------------------------------------------------------------------

def test_accesslog(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    target = f"logs-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=target)
    uri = f"s3://{bucket}/"
    shown = s3cmd("accesslog", f"s3://{bucket}")
    assert (shown.rc, shown.stdout) == (0, f"Access logging for: {uri}\n   Logging Enabled: False\n")

    # the target bucket does not let the log-delivery group write yet: granted, then logging is on
    on = s3cmd("accesslog", f"--access-logging-target-prefix=s3://{target}/pre/", f"s3://{bucket}", "-v")
    assert on.rc == 0, on.output
    assert on.stdout == (f"Access logging for: {uri}\n   Logging Enabled: True\n"
                         f"     Target prefix: s3://{target}/pre/\n")
    assert "INFO: Setting up log-delivery ACL for target bucket." in on.stderr
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == {"TargetBucket": target, "TargetPrefix": "pre/"}
    grants = {(g["Grantee"].get("URI"), g["Permission"]) for g in s3.get_bucket_acl(Bucket=target)["Grants"]}
    assert {(LOG_DELIVERY, "WRITE"), (LOG_DELIVERY, "READ_ACP")} <= grants

    again = s3cmd("accesslog", f"s3://{bucket}")
    assert again.stdout == on.stdout
    off = s3cmd("accesslog", "--no-access-logging", f"s3://{bucket}")
    assert (off.rc, off.stdout) == (0, f"Access logging for: {uri}\n   Logging Enabled: False\n")
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)

    # -P: the logs themselves are readable by anyone
    public = s3cmd("accesslog", "-P", f"--access-logging-target-prefix=s3://{target}/pub/", f"s3://{bucket}")
    assert public.rc == 0, public.output
    enabled = s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]
    assert enabled["TargetPrefix"] == "pub/"
    assert [(g["Grantee"].get("URI"), g["Permission"]) for g in enabled["TargetGrants"]] == [(ALL_USERS, "READ")]

    bad = s3cmd("accesslog", "--access-logging-target-prefix=/tmp/logs", f"s3://{bucket}")
    assert bad.rc == 64
    one_error(bad.stderr, "--log-target-prefix must be a S3 URI")


# -- tagging ------------------------------------------------------------------------------------

def test_tagging_of_bucket_and_object(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="obj", Body=b"x")
    on_bucket = s3cmd("settagging", f"s3://{bucket}", "a=1&b=x=y")
    assert (on_bucket.rc, on_bucket.stdout) == (0, f"s3://{bucket}/: Tagging updated\n")
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "x=y"}]
    shown = s3cmd("gettagging", f"s3://{bucket}")
    assert (shown.rc, shown.stdout) == (0, f"s3://{bucket}/ (bucket):\n\ta:\t1\n\tb:\tx=y\n")

    on_object = s3cmd("settagging", f"s3://{bucket}/obj", "k=v&empty")
    assert (on_object.rc, on_object.stdout) == (0, f"s3://{bucket}/obj: Tagging updated\n")
    assert s3.get_object_tagging(Bucket=bucket, Key="obj")["TagSet"] == [{"Key": "k", "Value": "v"},
                                                                        {"Key": "empty", "Value": ""}]
    shown = s3cmd("gettagging", f"s3://{bucket}/obj")
    assert shown.stdout == f"s3://{bucket}/obj (object):\n\tk:\tv\n\tempty:\t\n"

    deleted = s3cmd("deltagging", f"s3://{bucket}/obj")
    assert (deleted.rc, deleted.stdout) == (0, f"s3://{bucket}/obj: Tagging deleted\n")
    assert s3.get_object_tagging(Bucket=bucket, Key="obj")["TagSet"] == []
    deleted = s3cmd("deltagging", f"s3://{bucket}")
    assert (deleted.rc, deleted.stdout) == (0, f"s3://{bucket}/: Tagging deleted\n")
    assert error_code(lambda: s3.get_bucket_tagging(Bucket=bucket)) == "NoSuchTagSet"
    gone = s3cmd("gettagging", f"s3://{bucket}")
    assert gone.rc == 12
    one_error(gone.stderr, "NoSuchTagSet")

    bad = s3cmd("settagging", f"s3://{bucket}", "=v")
    assert bad.rc == 64
    one_error(bad.stderr, "Parameter problem: Tag key should not be empty")


# -- website ------------------------------------------------------------------------------------

def test_website(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    uri = f"s3://{bucket}/"
    none = s3cmd("ws-info", f"s3://{bucket}")
    assert (none.rc, none.stdout) == (0, f"Bucket {uri}: No website configuration found.\n")

    created = s3cmd("ws-create", f"s3://{bucket}")
    assert (created.rc, created.stdout) == (0, f"Bucket '{uri}': website configuration created.\n")
    assert s3.get_bucket_website(Bucket=bucket)["IndexDocument"] == {"Suffix": "index.html"}
    shown = s3cmd("ws-info", f"s3://{bucket}")
    assert shown.stdout == (f"Bucket {uri}: Website configuration\n"
                            f"Website endpoint: http://{bucket}.s3-website-us-east-1.amazonaws.com/\n"
                            "Index document:   index.html\nError document:   None\n")

    custom = s3cmd("ws-create", "--ws-index=home.html", "--ws-error=oops.html", f"s3://{bucket}")
    assert custom.rc == 0
    website = s3.get_bucket_website(Bucket=bucket)
    assert (website["IndexDocument"], website["ErrorDocument"]) == ({"Suffix": "home.html"}, {"Key": "oops.html"})
    shown = s3cmd("ws-info", f"s3://{bucket}")
    assert shown.stdout.splitlines()[2:] == ["Index document:   home.html", "Error document:   oops.html"]

    deleted = s3cmd("ws-delete", f"s3://{bucket}")
    assert (deleted.rc, deleted.stdout) == (0, f"Bucket '{uri}': website configuration deleted.\n")
    assert error_code(lambda: s3.get_bucket_website(Bucket=bucket)) == "NoSuchWebsiteConfiguration"

    # upstream says "No website configuration found." with exit 0 here: a wrong answer
    missing = s3cmd("ws-info", "s3://no-such-bucket-here")
    assert missing.rc == 12
    one_error(missing.stderr, "NoSuchBucket")


# -- lifecycle ----------------------------------------------------------------------------------

def rules(s3, bucket: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]


def test_expire(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    uri = f"s3://{bucket}/"
    by_days = s3cmd("expire", f"s3://{bucket}", "--expiry-days=3", "--expiry-prefix=tmp/")
    assert (by_days.rc, by_days.stdout) == (0, f"Bucket '{uri}': expiration configuration is set.\n")
    [rule] = rules(s3, bucket)
    assert (rule["Filter"], rule["Status"], rule["Expiration"]) == ({"Prefix": "tmp/"}, "Enabled", {"Days": 3})
    assert ("   Expiration Rule: objects with key prefix 'tmp/' will expire in '3' day(s) after creation"
            in info_lines(s3cmd, uri))

    by_date = s3cmd("expire", f"s3://{bucket}", "--expiry-date=2030-01-01T00:00:00.000Z")
    assert by_date.rc == 0
    [rule] = rules(s3, bucket)
    assert (rule["Filter"], rule["Expiration"]["Date"].year) == ({"Prefix": ""}, 2030)
    assert ("   Expiration Rule: all objects in this bucket will expire in '2030-01-01T00:00:00Z' "
            in info_lines(s3cmd, uri))

    both = s3cmd("expire", f"s3://{bucket}", "--expiry-days=1", "--expiry-date=2030-01-01T00:00:00.000Z")
    prefix_only = s3cmd("expire", f"s3://{bucket}", "--expiry-prefix=x")
    for refused in (both, prefix_only):
        assert refused.rc == 64
        one_error(refused.stderr, "Parameter problem: Expect either --expiry-day or --expiry-date")

    removed = s3cmd("expire", f"s3://{bucket}")
    assert (removed.rc, removed.stdout) == (0, f"Bucket '{uri}': expiration configuration is deleted.\n")
    assert error_code(lambda: rules(s3, bucket)) == "NoSuchLifecycleConfiguration"
    assert "   Expiration rule: none" in info_lines(s3cmd, uri)


LIFECYCLE = ("<LifecycleConfiguration><Rule><ID>r1</ID><Filter><Prefix>logs/</Prefix></Filter>"
             "<Status>Enabled</Status><Expiration><Days>7</Days></Expiration></Rule></LifecycleConfiguration>")


def test_setlifecycle_getlifecycle_dellifecycle(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    write(s3cmd, "lifecycle.xml", LIFECYCLE)
    done = s3cmd("setlifecycle", "lifecycle.xml", f"s3://{bucket}")
    assert (done.rc, done.stdout) == (0, f"s3://{bucket}/: Lifecycle Policy updated\n")
    [rule] = rules(s3, bucket)
    assert (rule["ID"], rule["Expiration"]) == ("r1", {"Days": 7})

    shown = s3cmd("getlifecycle", f"s3://{bucket}")
    assert shown.rc == 0
    # upstream prints the server's document indented with tabs, after an XML declaration
    assert shown.stdout.startswith('<?xml version="1.0" ?>\n<LifecycleConfiguration')
    assert "\t\t<ID>r1</ID>\n" in shown.stdout and "\t\t\t<Days>7</Days>\n" in shown.stdout
    assert shown.stdout.endswith("</LifecycleConfiguration>\n\n")

    deleted = s3cmd("dellifecycle", f"s3://{bucket}")
    assert (deleted.rc, deleted.stdout) == (0, f"s3://{bucket}/: Lifecycle Policy deleted\n")
    assert error_code(lambda: rules(s3, bucket)) == "NoSuchLifecycleConfiguration"
    gone = s3cmd("getlifecycle", f"s3://{bucket}")
    assert gone.rc == 12
    one_error(gone.stderr, "NoSuchLifecycleConfiguration")


# -- notification -------------------------------------------------------------------------------

NOTIFICATION = ("<NotificationConfiguration><QueueConfiguration><Id>q1</Id>"
                "<Queue>arn:aws:sqs:us-east-1:123456789012:q</Queue><Event>s3:ObjectCreated:*</Event>"
                "</QueueConfiguration></NotificationConfiguration>")


def test_notification(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    write(s3cmd, "notification.xml", NOTIFICATION)
    done = s3cmd("setnotification", "notification.xml", f"s3://{bucket}")
    assert (done.rc, done.stdout) == (0, f"s3://{bucket}/: Notification Policy updated\n")
    [queue] = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]
    assert (queue["Id"], queue["Events"]) == ("q1", ["s3:ObjectCreated:*"])

    shown = s3cmd("getnotification", f"s3://{bucket}")
    assert shown.rc == 0
    assert "\t\t<Queue>arn:aws:sqs:us-east-1:123456789012:q</Queue>\n" in shown.stdout

    # upstream's empty document makes moto answer 500; ours carries S3's namespace
    deleted = s3cmd("delnotification", f"s3://{bucket}")
    assert (deleted.rc, deleted.stdout) == (0, f"s3://{bucket}/: Notification Policy deleted\n"), deleted.output
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)


# -- setacl -------------------------------------------------------------------------------------

def grants_of(s3, bucket: str, key: str = "") -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    acl = s3.get_object_acl(Bucket=bucket, Key=key) if key else s3.get_bucket_acl(Bucket=bucket)
    return {(g["Grantee"].get("URI") or g["Grantee"].get("ID") or "", g["Permission"]) for g in acl["Grants"]}


def test_setacl_public_private_bucket(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    uri = f"s3://{bucket}/"
    public = s3cmd("setacl", "--acl-public", f"s3://{bucket}")
    assert (public.rc, public.stdout) == (0, f"{uri}: ACL set to Public  \n"), public.output
    assert grants_of(s3, bucket) == {(OWNER, "FULL_CONTROL"), (ALL_USERS, "READ")}
    lines = info_lines(s3cmd, uri)
    assert lines[-3:] == [f"   ACL:       {OWNER}: FULL_CONTROL", "   ACL:       *anon*: READ",
                          f"   URL:       {s3cmd_url(s3cmd)}/{bucket}/"]

    again = s3cmd("setacl", "--acl-public", f"s3://{bucket}", "-v")
    assert (again.rc, again.stdout) == (0, "")
    assert f"INFO: {uri}: already Public, skipping \n" in again.stderr

    private = s3cmd("setacl", "--acl-private", f"s3://{bucket}")
    assert (private.rc, private.stdout) == (0, f"{uri}: ACL set to Private  \n")
    assert grants_of(s3, bucket) == {(OWNER, "FULL_CONTROL")}
    assert "URL:" not in "\n".join(info_lines(s3cmd, uri))


def s3cmd_url(s3cmd: S3cmdRunner) -> str:
    host = next(line.split("=", 1)[1].strip() for line in s3cmd.config.read_text().splitlines()
                if line.startswith("host_base"))
    return f"http://{host}"


def test_setacl_grant_and_revoke(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    granted = s3cmd("setacl", f"--acl-grant=full_control:{AUTHENTICATED}", "--acl-grant=read:ABCDEF0123",
                    f"s3://{bucket}")
    assert (granted.rc, granted.stdout) == (0, f"s3://{bucket}/: ACL updated\n"), granted.output
    # a canonical id is sent in lower case, as upstream does
    assert grants_of(s3, bucket) == {(OWNER, "FULL_CONTROL"), (AUTHENTICATED, "FULL_CONTROL"), ("abcdef0123", "READ")}
    assert f"   ACL:       {AUTHENTICATED}: FULL_CONTROL" in info_lines(s3cmd, f"s3://{bucket}")

    # upstream 2.4.0 crashes here when the ACL holds a grantee without an id; we revoke
    revoked = s3cmd("setacl", "--acl-revoke=all:abcdef0123", f"--acl-revoke=read:{AUTHENTICATED}", f"s3://{bucket}")
    assert (revoked.rc, revoked.stdout) == (0, f"s3://{bucket}/: ACL updated\n"), revoked.output
    # revoking READ leaves FULL_CONTROL: only the permission named goes
    assert grants_of(s3, bucket) == {(OWNER, "FULL_CONTROL"), (AUTHENTICATED, "FULL_CONTROL")}
    revoked = s3cmd("setacl", f"--acl-revoke=full_control:{AUTHENTICATED}", f"s3://{bucket}")
    assert revoked.rc == 0
    assert grants_of(s3, bucket) == {(OWNER, "FULL_CONTROL")}


def test_setacl_bad_grant_is_refused(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    for spec in ("foo:someone", "nocolon"):
        bad = s3cmd("setacl", f"--acl-grant={spec}", f"s3://{bucket}")
        assert bad.rc == 2
        assert "ERROR: option --acl-grant: expects PERMISSION:GRANTEE, PERMISSION one of read, write, read_acp, " \
               "write_acp, full_control, all" in bad.stderr
    assert grants_of(s3, bucket) == {(OWNER, "FULL_CONTROL")}


def test_setacl_objects(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    for key in ("dir/a", "dir/b", "other"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    dry = s3cmd("setacl", "-r", "-n", "--acl-public", f"s3://{bucket}/dir/")
    assert dry.rc == 0
    assert dry.stdout == f"setacl: 's3://{bucket}/dir/a'\nsetacl: 's3://{bucket}/dir/b'\n"
    assert "WARNING: Exiting now because of --dry-run" in dry.stderr
    assert len(grants_of(s3, bucket, "dir/a")) == 1

    done = s3cmd("setacl", "-r", "--acl-grant", f"read:{AUTHENTICATED}", f"s3://{bucket}/dir/")
    assert done.rc == 0, done.output
    assert done.stdout == f"s3://{bucket}/dir/a: ACL updated\ns3://{bucket}/dir/b: ACL updated\n"
    # moto ignores the body of PutObjectAcl (test_setacl_object_bodies checks what is sent)

    one = s3cmd("setacl", "--acl-private", f"s3://{bucket}/other")
    assert (one.rc, one.stdout) == (0, "")  # private already: nothing to write
    public = s3cmd("setacl", "--acl-public", f"s3://{bucket}/other")
    assert (public.rc, public.stdout) == (0, f"s3://{bucket}/other: ACL set to Public  [1 of 1]\n")
    missing = s3cmd("setacl", "--acl-public", f"s3://{bucket}/nothing-here")
    assert missing.rc == 12
    one_error(missing.stderr, "NoSuchKey")


@pytest.mark.parametrize("command", ["setacl", "setpolicy", "setcors", "setversioning", "setownership",
                                     "setblockpublicaccess", "setobjectlegalhold", "setobjectretention", "payer",
                                     "accesslog", "settagging", "gettagging", "deltagging", "ws-create", "ws-delete",
                                     "ws-info", "expire", "setlifecycle", "getlifecycle", "dellifecycle",
                                     "setnotification", "getnotification", "delnotification", "delpolicy",
                                     "delcors"])
def test_not_enough_parameters(s3cmd: S3cmdRunner, command: str) -> None:
    result = s3cmd(command)
    assert result.rc == 64
    assert f"ERROR: Not enough parameters for command '{command}'" in result.stderr


def test_help_lists_the_commands_in_upstream_order() -> None:
    from S3.cli.commands import COMMANDS, HELP

    names = [usage.split()[1] for _, usage in HELP]
    wanted = ["setacl", "setversioning", "setownership", "setblockpublicaccess", "setobjectlegalhold",
              "setobjectretention", "setpolicy", "delpolicy", "setcors", "delcors", "payer", "accesslog",
              "settagging", "gettagging", "deltagging", "ws-create", "ws-delete", "ws-info", "expire",
              "setlifecycle", "getlifecycle", "dellifecycle", "setnotification", "getnotification",
              "delnotification"]
    assert [name for name in names if name in wanted] == wanted
    assert set(wanted) <= set(COMMANDS)




def test_setacl_object_bodies(s3cmd: S3cmdRunner, recorder: Recorder, identities: dict[str, Identity]) -> None:
    """The ACL sent for each object keeps the owner's grant and adds the one asked for (moto ignores it)."""
    config = write_config(s3cmd.home / "recorder.cfg", recorder, identities["admin"])  # type: ignore[arg-type]
    done = s3cmd("setacl", "-r", "--acl-public", "--acl-grant", f"read:{AUTHENTICATED}", "s3://rec/dir/",
                 config=config)
    assert done.rc == 0, done.output
    assert done.stdout == ("s3://rec/dir/a: ACL set to Public  [1 of 2]\n"
                           "s3://rec/dir/b: ACL set to Public  [2 of 2]\n")
    assert [(method, path) for method, path, _, _ in recorder.requests] == [
        ("PUT", "/rec/dir/a?acl="), ("PUT", "/rec/dir/b?acl=")]
    for _, _, headers, body in recorder.requests:
        text = body.decode()
        assert "<Owner><ID>owner1</ID></Owner>" in text
        grants = re.findall(r'xsi:type="(\w+)"><(\w+)>([^<]+)</\2></Grantee><Permission>(\w+)</Permission>', text)
        assert grants == [("CanonicalUser", "ID", "owner1", "FULL_CONTROL"), ("Group", "URI", ALL_USERS, "READ"),
                          ("Group", "URI", AUTHENTICATED, "READ")]
        assert headers["content-type"] == "application/xml" and "content-md5" in headers


# -- info: a policy that cannot be read (upstream's wording) --------------------------------------

def _canned_info_server(policy_status: int) -> ThreadingHTTPServer:
    """A bucket whose ?policy answers ``policy_status``; ?location and ?acl answer; the rest is unset (404)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            query = self.path.partition("?")[2]
            if query == "location=":
                self.answer(200, b"<LocationConstraint>eu-west-1</LocationConstraint>")
            elif query == "acl=":
                self.answer(200, OWNER_ONLY_ACL.encode())
            elif query == "policy=":
                code = {403: "AccessDenied", 405: "MethodNotAllowed"}[policy_status]
                self.answer(policy_status, f"<Error><Code>{code}</Code><Message>no</Message></Error>".encode())
            else:
                self.answer(404, b"<Error><Code>NoSuchConfiguration</Code><Message>unset</Message></Error>")

        def answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize(("status", "line"), [
    (403, "   Policy:    Not available: GetPolicy permission is needed to read the policy"),
    (405, "   Policy:    Not available: Only the bucket owner can read the policy"),
])
def test_info_says_why_the_policy_is_not_shown(s3cmd: S3cmdRunner, identities: dict[str, Identity],
                                               status: int, line: str) -> None:
    server = _canned_info_server(status)
    try:
        canned = Recorder(url=f"http://127.0.0.1:{server.server_address[1]}")
        config = write_config(s3cmd.home / "canned.cfg", canned, identities["admin"],  # type: ignore[arg-type]
                              max_retries="0")
        result = s3cmd("info", "s3://canned", config=config)
    finally:
        server.shutdown()
        server.server_close()
    assert result.rc == 0, result.output
    assert result.stdout.splitlines() == [
        "s3://canned/ (bucket):", "   Location:  eu-west-1", "   Payer:     none", "   Ownership: none",
        "   Versioning:none", "   Expiration rule: none", "   Block Public Access: none", line,
        "   CORS:      none", "   ACL:       owner1: FULL_CONTROL",
    ]
