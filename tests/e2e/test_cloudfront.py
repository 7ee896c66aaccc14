"""CloudFront commands end to end: the real s3cmd against moto's CloudFront (``cloudfront_host``
pointed at the moto server, IAM enforcement on, so every request must be correctly signed with
SigV4 for service ``cloudfront``), the distribution's state read back with boto3.

Expected lines are the ones s3cmd 2.4.0's code prints for the same answers (its 2010-11-01 API
and SigV2 signing cannot talk to moto, so the lines come from reading its output code, not from
a side-by-side run; see COMPATIBILITY.md).
"""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import pytest

from S3.cli.commands.cloudfront import index_paths, invalidate_keys
from S3.cli.context import Context
from S3.cli.main import cli_only, load_config
from S3.cli.parser import parse
from S3.runtime import Runtime
from S3.s3.uri import S3Uri
from tests.conftest import S3cmdRunner, write_config

ID = r"[A-Z0-9]+"


def _point_at_moto(s3cmd: S3cmdRunner, moto_server) -> S3cmdRunner:  # type: ignore[no-untyped-def]
    host = moto_server.url.split("//", 1)[1]
    with s3cmd.config.open("a") as config:
        config.write(f"cloudfront_host = {host}\n")
    return s3cmd


@pytest.fixture
def cf(s3cmd: S3cmdRunner, moto_server, relaxed_auth) -> S3cmdRunner:  # type: ignore[no-untyped-def]
    """With moto's signature check off: moto 5.2 verifies a CloudFront request without a body
    (every GET and DELETE) against a body of its own making, and refuses boto3's signatures and
    ours alike. ``test_signed_requests_pass_moto_signature_check`` runs with the check on."""
    return _point_at_moto(s3cmd, moto_server)


@pytest.fixture
def boto_cf(moto_server, identities):  # type: ignore[no-untyped-def]
    return moto_server.client("cloudfront", identities["admin"])


def _bucket() -> str:
    return f"cf-{uuid.uuid4().hex[:12]}"


def _create(cf: S3cmdRunner, bucket: str, *options: str) -> str:
    done = cf("cfcreate", f"s3://{bucket}", *options)
    assert done.rc == 0, done.output
    return re.search(rf"^DistId:\s+cf://({ID})$", done.stdout, re.M).group(1)  # type: ignore[union-attr]


def test_cfcreate_creates_the_distribution_and_prints_upstreams_block(cf: S3cmdRunner, boto_cf, moto_server) -> None:  # type: ignore[no-untyped-def]
    bucket = _bucket()
    done = cf("cfcreate", f"s3://{bucket}", "--cf-add-cname", "CDN.Example.com", "--cf-add-cname", "img.example.com",
              "--cf-default-root-object", "index.html", "--cf-comment", "site")
    assert done.rc == 0, done.output
    host = moto_server.url.split("//", 1)[1]
    lines = done.stdout.splitlines()
    assert lines[0] == "Distribution created:"
    assert lines[1] == f"Origin:         s3://{bucket}/"
    assert re.fullmatch(rf"DistId:         cf://{ID}", lines[2])
    assert re.fullmatch(r"DomainName:     \w+\.cloudfront\.net", lines[3])
    assert lines[4:9] == ["CNAMEs:         cdn.example.com, img.example.com", "Comment:        site",
                          "Status:         InProgress", "Enabled:        True", "DefaultRootObject: index.html"]
    assert re.fullmatch(r"Etag:           \w+", lines[9]) and len(lines) == 10
    dist_id = lines[2].rsplit("/", 1)[1]
    config = boto_cf.get_distribution_config(Id=dist_id)["DistributionConfig"]
    assert config["CallerReference"] == f"s3://{bucket}/"
    assert config["Origins"]["Items"][0]["DomainName"] == f"{bucket}.s3.amazonaws.com"
    assert config["Aliases"]["Items"] == ["cdn.example.com", "img.example.com"]
    assert (config["DefaultRootObject"], config["Comment"], config["Enabled"]) == ("index.html", "site", True)
    # without --cf-comment the comment is the bucket's public URL, as upstream sets it
    other = _bucket()
    dist2 = _create(cf, other)
    assert boto_cf.get_distribution_config(Id=dist2)["DistributionConfig"]["Comment"] == f"http://{other}.{host}/"


def test_cfcreate_refuses_what_upstream_refuses(cf: S3cmdRunner) -> None:
    for args, line in [
        (["cfcreate", "s3://Upper_Case"], "ERROR: Parameter problem: CloudFront can only handle lowercase-named buckets."),
        (["cfcreate", "s3://abc/key"], "ERROR: Parameter problem: Use s3:// URI with a bucket name only instead of: s3://abc/key"),
        (["cfcreate", "cf://X"], "ERROR: Parameter problem: Distribution can only be created from a s3:// URI instead of: cf://X"),
    ]:
        done = cf(*args)
        assert (done.rc, done.stderr.strip()) == (64, line)
    for command in ("cfcreate", "cfdelete", "cfmodify", "cfinval", "cfinvalinfo"):
        done = cf(command)
        assert done.rc == 64 and f"Not enough parameters for command '{command}'" in done.stderr


def test_cflist_and_cfinfo_lines(cf: S3cmdRunner) -> None:
    bucket = _bucket()
    dist_id = _create(cf, bucket, "--cf-add-cname", "www.example.net", "--cf-default-root-object", "home.html")
    listed = cf("cflist")
    assert listed.rc == 0, listed.output
    block = listed.stdout.split(f"DistId:         cf://{dist_id}\n", 1)
    assert block[0].splitlines()[-1] == f"Origin:         s3://{bucket}/"
    after = block[1].splitlines()
    assert re.fullmatch(r"DomainName:     \w+\.cloudfront\.net", after[0])
    assert after[1:5] == ["CNAMEs:         www.example.net", "Status:         Deployed", "Enabled:        True", ""]
    assert cf("cfinfo").stdout == listed.stdout
    for target in (f"cf://{dist_id}", f"s3://{bucket}"):
        info = cf("cfinfo", target)
        assert info.rc == 0, info.output
        lines = info.stdout.splitlines()
        assert lines[:2] == [f"Origin:         s3://{bucket}/", f"DistId:         cf://{dist_id}"]
        assert lines[3:9] == ["CNAMEs:         www.example.net", "Status:         Deployed",
                              f"Comment:        http://{bucket}.{cf.config.read_text().split('host_base = ')[1].split()[0]}/",
                              "Enabled:        True", "DfltRootObject: home.html", "Logging:        Disabled"]
        assert re.fullmatch(r"Etag:           \w+", lines[9]) and len(lines) == 10


def test_cfinfo_errors(cf: S3cmdRunner) -> None:
    missing = cf("cfinfo", "cf://NOSUCHDIST")
    assert (missing.rc, missing.stderr.strip()) == (
        12, "ERROR: S3 error: 404 (NoSuchDistribution): The specified distribution does not exist.")
    nobucket = cf("cfinfo", "s3://no-distribution-here")
    assert (nobucket.rc, nobucket.stderr.strip()) == (
        64, "ERROR: Parameter problem: Unable to translate S3 URI to CloudFront distribution name: "
            "s3://no-distribution-here/")
    other = cf("cfinfo", "file.txt")
    assert (other.rc, other.stderr.strip()) == (
        64, "ERROR: Parameter problem: CloudFront or S3 URI required instead of: file.txt")


def test_signed_requests_pass_moto_signature_check(s3cmd: S3cmdRunner, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    """IAM enforcement on: moto checks the SigV4 signature (service cloudfront, us-east-1) of a
    request with a body, and refuses a wrong secret."""
    runner = _point_at_moto(s3cmd, moto_server)
    done = runner("cfcreate", f"s3://{_bucket()}")
    assert done.rc == 0, done.output
    refused = runner("cfcreate", f"s3://{_bucket()}", "--access_key", identities["admin"].access_key,
                     "--secret_key", "wrong-secret-" + "x" * 27)
    assert refused.rc == 77, refused.output
    assert refused.stderr.startswith("ERROR: S3 error: 403 (SignatureDoesNotMatch)")


def test_cfmodify_changes_only_what_is_asked(cf: S3cmdRunner, boto_cf) -> None:  # type: ignore[no-untyped-def]
    bucket = _bucket()
    dist_id = _create(cf, bucket, "--cf-add-cname", "old.example.com", "--cf-add-cname", "keep.example.com",
                      "--cf-default-root-object", "index.html")
    done = cf("cfmodify", f"cf://{dist_id}", "--cf-comment", "changed", "--cf-remove-cname", "old.example.com",
              "--cf-add-cname", "new.example.com", "--disable", "--access-logging-target-prefix", "s3://logs-bucket/cf/")
    assert done.rc == 0, done.output
    lines = done.stdout.splitlines()
    assert lines[0] == f"Distribution modified: cf://{dist_id}"
    assert lines[1:3] == [f"Origin:         s3://{bucket}/", f"DistId:         cf://{dist_id}"]
    assert lines[4:10] == ["Status:         Deployed", "CNAMEs:         keep.example.com, new.example.com",
                           "Comment:        changed", "Enabled:        False", "DefaultRootObject: index.html",
                           lines[9]]
    assert lines[9].startswith("Etag:")
    config = boto_cf.get_distribution_config(Id=dist_id)["DistributionConfig"]
    assert config["Aliases"]["Items"] == ["keep.example.com", "new.example.com"]
    assert (config["Comment"], config["Enabled"], config["DefaultRootObject"]) == ("changed", False, "index.html")
    assert (config["Logging"]["Enabled"], config["Logging"]["Bucket"], config["Logging"]["Prefix"]) == (
        True, "logs-bucket.s3.amazonaws.com", "cf/")
    assert cf("cfinfo", f"cf://{dist_id}").stdout.count("Logging:        s3://logs-bucket/cf/") == 1
    again = cf("cfmodify", f"s3://{bucket}", "--enable", "--no-access-logging", "--cf-default-root-object", "a.html")
    assert again.rc == 0, again.output
    config = boto_cf.get_distribution_config(Id=dist_id)["DistributionConfig"]
    assert (config["Enabled"], config["Logging"]["Enabled"], config["DefaultRootObject"]) == (True, False, "a.html")
    assert config["Comment"] == "changed" and config["Aliases"]["Quantity"] == 2


def test_cfmodify_one_distribution_at_a_time(cf: S3cmdRunner) -> None:
    done = cf("cfmodify", "cf://A", "cf://B")
    assert (done.rc, done.stderr.strip()) == (
        64, "ERROR: Parameter problem: Too many parameters. Modify one Distribution at a time.")


def test_cfdelete_disables_first_then_deletes(cf: S3cmdRunner, boto_cf) -> None:  # type: ignore[no-untyped-def]
    bucket = _bucket()
    dist_id = _create(cf, bucket)
    done = cf("cfdelete", f"cf://{dist_id}")
    assert done.rc == 0, done.output
    assert done.stdout == f"Distribution cf://{dist_id} deleted\n"
    assert done.stderr.splitlines()[:2] == ["WARNING: Waiting for Distribution to become disabled.",
                                            "WARNING: This may take several minutes, please wait."]
    ids = [item["Id"] for item in boto_cf.list_distributions()["DistributionList"].get("Items", [])]
    assert dist_id not in ids


def test_cfinval_and_cfinvalinfo(cf: S3cmdRunner, boto_cf) -> None:  # type: ignore[no-untyped-def]
    bucket, second = _bucket(), _bucket()
    dist_id, dist2 = _create(cf, bucket), _create(cf, second)
    done = cf("cfinval", f"s3://{bucket}/a b.txt", f"s3://{bucket}/dir/", f"s3://{second}")
    assert done.rc == 0, done.output
    blocks = done.stdout.split("\n\n")
    assert len(blocks) == 2
    first = blocks[0].splitlines()
    assert first[:4] == [f"URI:            s3://{bucket}/", f"DistId:         {dist_id}", "Nr of paths:    2",
                         "Status:         Created"]
    request_id = first[4].split()[-1]
    assert first[5] == f"Info:           Check progress with: s3cmd cfinvalinfo cf://{dist_id}/{request_id}"
    stored = boto_cf.get_invalidation(DistributionId=dist_id, Id=request_id)["Invalidation"]
    assert sorted(stored["InvalidationBatch"]["Paths"]["Items"]) == ["/a b.txt", "/dir/*"]
    second_id = blocks[1].splitlines()[4].split()[-1]
    stored = boto_cf.get_invalidation(DistributionId=dist2, Id=second_id)["Invalidation"]
    assert stored["InvalidationBatch"]["Paths"]["Items"] == ["/*"]

    info = cf("cfinvalinfo", f"cf://{dist_id}/{request_id}")
    assert info.rc == 0, info.output
    lines = info.stdout.splitlines()
    assert lines[:2] == [f"URI:            cf://{dist_id}/{request_id}", f"Status:         {stored['Status']}"]
    assert lines[2].startswith("Created:        ") and lines[3] == "Nr of paths:    2"
    assert re.fullmatch(rf"Reference:      {dist_id}\.\d{{14}}\.\d{{4}}", lines[4]) and lines[5] == ""
    every = cf("cfinvalinfo", f"cf://{dist_id}")
    assert every.rc == 0 and every.stdout == info.stdout


def test_cfinval_dry_run_sends_nothing(cf: S3cmdRunner, boto_cf) -> None:  # type: ignore[no-untyped-def]
    bucket = _bucket()
    dist_id = _create(cf, bucket)
    done = cf("cfinval", "--dry-run", f"s3://{bucket}/x", f"s3://{bucket}/y/")
    assert done.rc == 0, done.output
    assert done.stdout == f"[--dry-run] Would invalidate ['s3://{bucket}/x', 's3://{bucket}/y/*']\n"
    assert done.stderr == "WARNING: Exiting now because of --dry-run\n"
    assert boto_cf.list_invalidations(DistributionId=dist_id)["InvalidationList"]["Quantity"] == 0


def test_cfinval_default_index_of_a_website_bucket(cf: S3cmdRunner, boto_cf, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    bucket = _bucket()
    assert cf("mb", f"s3://{bucket}").rc == 0
    moto_server.client("s3", identities["admin"]).put_bucket_website(
        Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    dist_id = _create(cf, bucket)

    def paths(*options: str) -> list[str]:
        done = cf("cfinval", f"s3://{bucket}/d/index.html", f"s3://{bucket}/other.html", *options)
        assert done.rc == 0, done.output
        request_id = re.search(r"^RequestId:\s+(\S+)$", done.stdout, re.M).group(1)  # type: ignore[union-attr]
        batch = boto_cf.get_invalidation(DistributionId=dist_id, Id=request_id)["Invalidation"]["InvalidationBatch"]
        return batch["Paths"]["Items"]

    assert paths() == ["/d/", "/other.html"]
    assert paths("--cf-invalidate-default-index") == ["/d/index.html", "/d/", "/other.html"]
    assert paths("--cf-invalidate-default-index", "--cf-no-invalidate-default-index-root") == [
        "/d/index.html", "/other.html"]


def test_index_paths_rule() -> None:
    assert index_paths(["index.html", "a/index.html", "b"], "index.html", keep_index=False, add_root=True) == [
        "", "a/", "b"]
    assert index_paths(["a/index.html"], "", keep_index=False, add_root=True) == ["a/index.html"]
    assert index_paths(["a/index.html"], "index.html", keep_index=False, add_root=False) == []


def test_invalidate_keys_hook_for_sync(cf: S3cmdRunner, boto_cf) -> None:  # type: ignore[no-untyped-def]
    """What ``sync --cf-invalidate`` calls after uploading: one invalidation, upstream's two lines."""
    bucket = _bucket()
    dist_id = _create(cf, bucket)
    options = parse(["-c", str(cf.config), "--cf-invalidate"])
    out = io.StringIO()
    runtime = Runtime(env=cf.base_env, stdout=out)
    config = load_config(options, runtime)
    ctx = Context(runtime=runtime, settings=config.settings(cli=cli_only(options)))
    assert ctx.settings.invalidate_on_cf is True
    try:
        invalidate_keys(ctx, S3Uri(bucket, "site/"), ["site/a.html", "site/b c.css"])
        invalidate_keys(ctx, S3Uri(bucket, "site/"), [])
    finally:
        ctx.close()
    lines = out.getvalue().splitlines()
    assert lines[0] == "Created invalidation request for 2 paths"
    request_id = lines[1].rsplit("/", 1)[1]
    assert lines[1] == f"Check progress with: s3cmd cfinvalinfo cf://{dist_id}/{request_id}" and len(lines) == 2
    batch = boto_cf.get_invalidation(DistributionId=dist_id, Id=request_id)["Invalidation"]["InvalidationBatch"]
    assert batch["Paths"]["Items"] == ["/site/a.html", "/site/b c.css"]


def test_encrypt_without_passphrase_is_refused(s3cmd: S3cmdRunner, tmp_path: Path, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    done = s3cmd("-e", "ls")
    assert done.rc == 78
    assert done.stderr == ("ERROR: Encryption requested but no passphrase set in config file: set gpg_passphrase "
                           "(s3cmd --configure)\n")
    assert s3cmd("-e", "--no-encrypt", "ls").rc == 0
    config = write_config(tmp_path / "enc.s3cfg", moto_server, identities["admin"], encrypt="True")
    assert s3cmd("ls", config=config).rc == 78
    assert s3cmd("--no-encrypt", "ls", config=config).rc == 0
