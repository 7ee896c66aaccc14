"""The real s3cmd executable against a moto server that enforces IAM and signatures.

Expected lines are the ones upstream s3cmd 2.4.0 prints for the same operation
(checked side by side against the same server); the transfer rate is the only
part that varies between runs, so those lines are matched with a pattern.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import S3cmdRunner, s3cmd_executable, write_config

pytestmark = pytest.mark.e2e

DATE = r"\d{4}-\d\d-\d\d \d\d:\d\d"
RATE = r"\(\d+ bytes in \d+\.\d seconds, -?\d+\.\d\d [KMG]?B/s\)"


def lines(text: str) -> list[str]:
    return text.splitlines()


def test_mb_ls_rb_roundtrip(s3cmd: S3cmdRunner) -> None:
    result = s3cmd("mb", "s3://roundtrip-bucket")
    assert (result.rc, result.stdout) == (0, "Bucket 's3://roundtrip-bucket/' created\n")
    listing = s3cmd("ls")
    assert listing.rc == 0
    assert any(re.fullmatch(rf"{DATE}  s3://roundtrip-bucket", line) for line in lines(listing.stdout))
    removed = s3cmd("rb", "s3://roundtrip-bucket")
    assert (removed.rc, removed.stdout) == (0, "Bucket 's3://roundtrip-bucket/' removed\n")


def test_put_ls_get_lines(s3cmd: S3cmdRunner, bucket: str, relaxed_auth: None) -> None:
    (s3cmd.home / "a.txt").write_text("hello\n")
    tree = s3cmd.home / "d" / "sub"
    tree.mkdir(parents=True)
    (s3cmd.home / "d" / "1.txt").write_text("x\n")
    (tree / "2.txt").write_text("yy\n")

    put = s3cmd("put", "a.txt", f"s3://{bucket}/")
    assert put.rc == 0, put.output
    assert re.fullmatch(rf"upload: 'a.txt' -> 's3://{bucket}/a.txt' {RATE} \[1 of 1\]\n", put.stdout)

    put_r = s3cmd("put", "-r", "d", f"s3://{bucket}/dir/")
    assert put_r.rc == 0, put_r.output
    assert re.fullmatch(
        rf"upload: 'd/1.txt' -> 's3://{bucket}/dir/d/1.txt' {RATE} \[1 of 2\]\n"
        rf"upload: 'd/sub/2.txt' -> 's3://{bucket}/dir/d/sub/2.txt' {RATE} \[2 of 2\]\n",
        put_r.stdout,
    )

    ls = s3cmd("ls", f"s3://{bucket}")
    assert ls.rc == 0
    assert lines(ls.stdout)[0] == f"                          DIR  s3://{bucket}/dir/"
    assert re.fullmatch(rf"{DATE}            6  s3://{bucket}/a.txt", lines(ls.stdout)[1])

    long = s3cmd("ls", "-l", f"s3://{bucket}/dir/d/")
    assert lines(long.stdout)[0] == f"{'DIR':>29}{'':52}s3://{bucket}/dir/d/sub/"
    assert re.fullmatch(
        rf"{DATE}            2  401b30e3b8b5d629635a5c613cdb7919     STANDARD     s3://{bucket}/dir/d/1.txt",
        lines(long.stdout)[1],
    )
    md5 = s3cmd("ls", "--list-md5", f"s3://{bucket}/dir/d/")
    assert re.fullmatch(rf"{DATE}            2  401b30e3b8b5d629635a5c613cdb7919     s3://{bucket}/dir/d/1.txt",
                        lines(md5.stdout)[1])

    human = s3cmd("ls", "-H", "-r", f"s3://{bucket}")
    assert re.fullmatch(rf"{DATE}     6   s3://{bucket}/a.txt", lines(human.stdout)[0])

    du = s3cmd("du", f"s3://{bucket}")
    assert du.stdout == f"          11       3 objects s3://{bucket}/\n"

    get = s3cmd("get", f"s3://{bucket}/a.txt", "out.txt")
    assert get.rc == 0, get.output
    assert re.fullmatch(rf"download: 's3://{bucket}/a.txt' -> 'out.txt' {RATE}\n", get.stdout)
    assert (s3cmd.home / "out.txt").read_text() == "hello\n"

    again = s3cmd("get", f"s3://{bucket}/a.txt", "out.txt")
    assert again.rc == 64
    assert again.stderr.strip() == (
        "ERROR: Parameter problem: File 'out.txt' already exists. "
        "Use either of --force / --continue / --skip-existing or give it a new name."
    )
    assert s3cmd("get", "--force", f"s3://{bucket}/a.txt", "out.txt").rc == 0
    assert s3cmd("get", "--skip-existing", f"s3://{bucket}/a.txt", "out.txt").rc == 0

    to_stdout = s3cmd("get", f"s3://{bucket}/a.txt", "-")
    assert (to_stdout.rc, to_stdout.stdout) == (0, "hello\n")

    tree_get = s3cmd("get", "-r", f"s3://{bucket}/dir/", "g/")
    assert tree_get.rc == 0, tree_get.output
    assert (s3cmd.home / "g" / "d" / "sub" / "2.txt").read_text() == "yy\n"


def test_stdin_put_and_cp_mv_modify_del(s3cmd: S3cmdRunner, bucket: str, relaxed_auth: None) -> None:
    put = s3cmd("put", "-", f"s3://{bucket}/stream.txt", input=b"streamed\n")
    assert put.rc == 0, put.output
    assert re.fullmatch(rf"upload: '<stdin>' -> 's3://{bucket}/stream.txt' {RATE} \[1 of 1\]\n", put.stdout)

    cp = s3cmd("cp", f"s3://{bucket}/stream.txt", f"s3://{bucket}/b.txt")
    assert cp.stdout == f"remote copy: 's3://{bucket}/stream.txt' -> 's3://{bucket}/b.txt'  [1 of 1]\n"
    mv = s3cmd("mv", f"s3://{bucket}/b.txt", f"s3://{bucket}/c.txt")
    assert mv.stdout == f"move: 's3://{bucket}/b.txt' -> 's3://{bucket}/c.txt'  [1 of 1]\n"
    modify = s3cmd("modify", "--add-header=x-amz-meta-foo:bar", f"s3://{bucket}/c.txt")
    assert modify.stdout == f"modify: 's3://{bucket}/c.txt'  [1 of 1]\n"
    info = s3cmd("info", f"s3://{bucket}/c.txt")
    assert info.rc == 0
    assert f"s3://{bucket}/c.txt (object):" in info.stdout
    assert "   x-amz-meta-foo: bar" in lines(info.stdout)
    assert "   File size: 9" in lines(info.stdout)

    listing = s3cmd("ls", f"s3://{bucket}")
    assert f"s3://{bucket}/b.txt" not in listing.stdout and f"s3://{bucket}/c.txt" in listing.stdout

    delete = s3cmd("del", f"s3://{bucket}/c.txt")
    assert (delete.rc, delete.stdout) == (0, f"delete: 's3://{bucket}/c.txt'\n")
    prefix = s3cmd("rm", f"s3://{bucket}/dir/")
    assert prefix.rc == 64
    assert prefix.stderr.strip() == f"ERROR: Parameter problem: Expecting S3 URI with a filename or --recursive: s3://{bucket}/dir/"
    whole = s3cmd("rm", "-r", f"s3://{bucket}")
    assert whole.rc == 64 and "Please use --force to delete ALL contents" in whole.stderr


def test_bucket_info_and_signurl(s3cmd: S3cmdRunner, bucket: str) -> None:
    info = s3cmd("info", f"s3://{bucket}")
    assert info.rc == 0
    assert lines(info.stdout)[:2] == [f"s3://{bucket}/ (bucket):", "   Location:  us-east-1"]
    url = s3cmd("signurl", f"s3://{bucket}/obj", "+600")
    assert url.rc == 0
    assert url.stdout.startswith(f"http://127.0.0.1:{s3cmd.config.read_text().split('127.0.0.1:')[1].split()[0]}/{bucket}/obj?")
    assert "X-Amz-Expires=600" in url.stdout and "X-Amz-Signature=" in url.stdout


def test_exit_codes_match_upstream(s3cmd: S3cmdRunner, bucket: str) -> None:
    missing = s3cmd("ls", "-r", "s3://no-such-bucket-here")
    assert missing.rc == 12
    assert missing.stderr.strip().endswith("S3 error: 404 (NoSuchBucket): The specified bucket does not exist")

    (s3cmd.home / "a.txt").write_text("a")
    assert s3cmd("put", "a.txt", f"s3://{bucket}/a.txt").rc == 0
    not_empty = s3cmd("rb", f"s3://{bucket}")
    assert not_empty.rc == 13
    assert "409 (BucketNotEmpty)" in not_empty.stderr

    get_missing = s3cmd("get", f"s3://{bucket}/nope.txt", "nope.txt")
    assert get_missing.rc == 64
    assert get_missing.stderr.strip() == f"ERROR: Parameter problem: Source object 's3://{bucket}/nope.txt' does not exist."
    assert not list(s3cmd.home.glob("*nope*"))

    assert s3cmd("frobnicate").rc == 64
    bad_option = s3cmd("--no-such-option", "ls")
    assert bad_option.rc == 64 and "Usage: s3cmd" in bad_option.stderr

    bad_uri = s3cmd("get", "s3://bad_bucket!/x", "x")
    assert bad_uri.rc == 64 and "Traceback" not in bad_uri.output

    emptied = s3cmd("rb", "-r", "--force", f"s3://{bucket}")
    assert emptied.rc == 0, emptied.output
    assert emptied.stdout.splitlines()[-1] == f"Bucket 's3://{bucket}/' removed"


def test_wrong_secret_and_access_denied_exit_77(s3cmd: S3cmdRunner, moto_server, identities, bucket: str) -> None:
    # ls -r: no delimiter in the query, so moto checks the signature (see relaxed_auth)
    wrong = s3cmd("--secret_key=not-the-secret", "ls")
    assert wrong.rc == 77
    assert "403 (SignatureDoesNotMatch)" in wrong.stderr
    assert "not-the-secret" not in wrong.output

    limited_cfg = write_config(s3cmd.home / "limited.cfg", moto_server, identities["limited"])
    denied = s3cmd("ls", "-r", f"s3://{bucket}", config=limited_cfg)
    assert denied.rc == 77
    assert "403 (AccessDenied)" in denied.stderr


def test_missing_local_file_fails_only_that_file(s3cmd: S3cmdRunner, bucket: str, relaxed_auth: None) -> None:
    (s3cmd.home / "good.txt").write_text("good")
    result = s3cmd("put", "missing.txt", "good.txt", f"s3://{bucket}/up/")
    assert result.rc == 2
    assert "ERROR: File 'missing.txt' does not exist" in result.stderr
    listing = s3cmd("ls", "-r", f"s3://{bucket}/up/")
    assert f"s3://{bucket}/up/good.txt" in listing.stdout
    assert "missing" not in listing.stdout
    nothing = s3cmd("put", "missing.txt", f"s3://{bucket}/up/")
    assert nothing.rc == 64 and "Nothing to upload" in nothing.stderr


def test_malformed_config_names_file_and_line(s3cmd: S3cmdRunner) -> None:
    bad = s3cmd.home / "bad.cfg"
    bad.write_text("[default]\naccess_key = AKIA\nthis line is wrong\n")
    result = s3cmd("ls", config=bad)
    assert result.rc == 78
    assert result.stderr.strip() == (f"ERROR: {bad}, line 3: expected 'name = value' or '[section]' "
                                     "(the line's text is not shown: it may hold a secret)")
    typed = s3cmd.home / "typed.cfg"
    typed.write_text("[default]\nuse_https = maybe\n")
    result = s3cmd("ls", config=typed)
    assert result.rc == 78 and f"{typed}, line 2: use_https must be True or False" in result.stderr


def test_dump_config_masks_secrets(s3cmd: S3cmdRunner, identities) -> None:
    dumped = s3cmd("--dump-config")
    assert dumped.rc == 0
    secret = identities["admin"].secret_key
    assert secret not in dumped.stdout
    assert "secret_key = ********" in dumped.stdout
    assert f"access_key = {identities['admin'].access_key}" in dumped.stdout
    shown = s3cmd("--dump-config", "--show-secrets", shows_secrets=True)
    assert f"secret_key = {secret}" in shown.stdout


def test_debug_output_never_shows_secrets(s3cmd: S3cmdRunner, bucket: str, identities) -> None:
    token = "FQoGZXIvYXdzEXAMPLETOKENVALUE"
    (s3cmd.home / "a.txt").write_text("a")
    runs = [
        s3cmd("-d", "put", "a.txt", f"s3://{bucket}/a.txt"),
        s3cmd("-d", "ls", "-r", f"s3://{bucket}"),
        s3cmd("-d", "--access_token", token, "ls"),  # rejected token: the error path
        s3cmd("-d", "--dump-config"),
    ]
    secret = identities["admin"].secret_key
    for run in runs:
        assert secret not in run.output
        assert token not in run.output
    assert runs[0].rc == 0 and "DEBUG:" in runs[0].stderr


def test_large_file_multipart_roundtrip_bounded_memory(s3cmd: S3cmdRunner, bucket: str) -> None:
    size = 100 * 1024 * 1024
    source = s3cmd.home / "big.bin"
    block = os.urandom(1024 * 1024)
    digest = hashlib.md5()
    with open(source, "wb") as out:
        for i in range(size // len(block)):
            chunk = bytes([i % 251]) + block[1:]
            out.write(chunk)
            digest.update(chunk)

    def peak_rss_kib(*args: str) -> tuple[int, int]:
        probe = (
            "import resource, subprocess, sys; "
            "rc = subprocess.run(sys.argv[1:]).returncode; "
            "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        argv = ["python3", "-c", probe, *s3cmd_executable(), "-c", str(s3cmd.config), *args]
        out = subprocess.run(argv, env=s3cmd.base_env, cwd=s3cmd.home, capture_output=True, text=True, timeout=300)
        rc, rss = out.stdout.split()[-2:]
        return int(rc), int(rss)

    rc, put_rss = peak_rss_kib("--multipart-chunk-size-mb=5", "--parallel=2", "put", "big.bin", f"s3://{bucket}/big.bin")
    assert rc == 0
    listing = s3cmd("ls", "-r", "-l", f"s3://{bucket}/big.bin")
    assert re.search(r"-20\s", listing.stdout), listing.stdout  # 20 parts of 5 MiB
    rc, get_rss = peak_rss_kib("get", f"s3://{bucket}/big.bin", "big.out")
    assert rc == 0
    got = hashlib.md5((s3cmd.home / "big.out").read_bytes()).hexdigest()
    assert got == digest.hexdigest()
    # The file is 100 MiB; a process holding it whole would need far more than this.
    assert put_rss < 90 * 1024, f"put peak RSS {put_rss} KiB"
    assert get_rss < 90 * 1024, f"get peak RSS {get_rss} KiB"


@pytest.mark.parametrize(("sig", "rc"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_get_leaves_no_partial_file(s3cmd: S3cmdRunner, bucket: str, sig: int, rc: int) -> None:
    """Ctrl-C, or SIGTERM from Kubernetes stopping the pod: no partial file is left behind."""
    big = s3cmd.home / "slow.bin"
    big.write_bytes(os.urandom(30 * 1024 * 1024))
    assert s3cmd("put", "slow.bin", f"s3://{bucket}/slow.bin").rc == 0
    big.unlink()
    proc = subprocess.Popen(
        [*s3cmd_executable(), "-c", str(s3cmd.config), "--limit-rate=1m", "get", f"s3://{bucket}/slow.bin", "dest.bin"],
        env=s3cmd.base_env, cwd=s3cmd.home, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(Path(s3cmd.home).glob(".dest.bin.*")):
        time.sleep(0.05)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == rc, err
    assert not (s3cmd.home / "dest.bin").exists()
    assert not list(s3cmd.home.glob(".dest.bin.*"))
    assert b"Traceback" not in err and err.strip().count(b"\n") == 0


def test_la_quiet_dry_run_filters_and_max_delete(s3cmd: S3cmdRunner, bucket: str, relaxed_auth: None) -> None:
    src = s3cmd.home / "src"
    src.mkdir()
    for name in ("keep.txt", "skip.log", "also.txt"):
        (src / name).write_text(name)
    dry = s3cmd("put", "-r", "--dry-run", "src/", f"s3://{bucket}/")
    assert dry.rc == 0 and "upload: 'src/keep.txt' -> " in dry.stdout
    assert s3cmd("ls", "-r", f"s3://{bucket}").stdout == ""  # dry run sent nothing

    quiet = s3cmd("-q", "put", "-r", "--exclude=*.log", "src/", f"s3://{bucket}/")
    assert (quiet.rc, quiet.stdout) == (0, "")
    listed = s3cmd("ls", "-r", f"s3://{bucket}").stdout
    assert f"s3://{bucket}/keep.txt" in listed and f"s3://{bucket}/also.txt" in listed and "skip.log" not in listed

    everything = s3cmd("la")
    assert everything.rc == 0 and f"s3://{bucket}/keep.txt" in everything.stdout

    capped = s3cmd("del", "-r", "--force", "--max-delete=1", f"s3://{bucket}/")
    assert capped.rc == 2 and "none performed" in capped.stderr
    assert f"s3://{bucket}/keep.txt" in s3cmd("ls", "-r", f"s3://{bucket}").stdout
    assert s3cmd("del", "-r", "--force", f"s3://{bucket}/").rc == 0


def test_version_and_configure_writes_a_private_file(s3cmd: S3cmdRunner, moto_server, identities) -> None:
    version = s3cmd("--version")
    assert version.rc == 0 and version.stdout.startswith("s3cmd version ")
    target = s3cmd.home / "new.cfg"
    host = moto_server.url.split("//", 1)[1]
    answers = "\n".join([identities["admin"].access_key, identities["admin"].secret_key, "us-east-1", host, host,
                         "False", "", "y", "y"]) + "\n"
    done = s3cmd("--configure", config=target, input=answers.encode())
    assert done.rc == 0, done.output
    assert "Success" in done.stdout and identities["admin"].secret_key not in done.output
    assert target.stat().st_mode & 0o777 == 0o600
    listed = s3cmd("ls", config=target)
    assert listed.rc == 0, listed.output


def test_upload_options_reach_the_object(s3cmd: S3cmdRunner, bucket: str) -> None:
    (s3cmd.home / "page.html").write_text("<p>hi</p>")
    put = s3cmd("put", "-m", "text/x-custom", "--acl-public", "--storage-class=STANDARD_IA",
                "--server-side-encryption", "--add-header=Cache-Control:max-age=60",
                "page.html", f"s3://{bucket}/page.html")
    assert put.rc == 0, put.output
    info = lines(s3cmd("info", f"s3://{bucket}/page.html").stdout)
    assert "   MIME type: text/x-custom" in info
    assert "   Storage:   STANDARD_IA" in info
    assert "   SSE:       AES256" in info
    assert "   ACL:       *anon*: READ" in info
    guessed = s3cmd("put", "page.html", f"s3://{bucket}/guessed.html")
    assert guessed.rc == 0
    assert "   MIME type: text/html" in lines(s3cmd("info", f"s3://{bucket}/guessed.html").stdout)


def test_skip_existing_and_continue(s3cmd: S3cmdRunner, bucket: str) -> None:
    data = os.urandom(300_000)
    (s3cmd.home / "blob").write_bytes(data)
    assert s3cmd("put", "blob", f"s3://{bucket}/blob").rc == 0
    (s3cmd.home / "blob").write_bytes(b"changed locally")
    skipped = s3cmd("put", "--skip-existing", "blob", f"s3://{bucket}/blob")
    assert (skipped.rc, skipped.stdout) == (0, "")
    (s3cmd.home / "partial").write_bytes(data[:100_000])
    resumed = s3cmd("get", "--continue", f"s3://{bucket}/blob", "partial")
    assert resumed.rc == 0, resumed.output
    assert (s3cmd.home / "partial").read_bytes() == data


def test_proxy_settings_and_environment(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    from tests.servers import ForwardProxy

    proxy = ForwardProxy()
    try:
        proxied = write_config(s3cmd.home / "proxied.cfg", moto_server, identities["admin"],
                               proxy_host="127.0.0.1", proxy_port=str(proxy.port))
        via_config = s3cmd("ls", "-r", f"s3://{bucket}", config=proxied)
        assert via_config.rc == 0, via_config.output
        assert any(f"/{bucket}/" in target for target in proxy.targets)
        seen = len(proxy.targets)
        via_env = s3cmd("ls", "-r", f"s3://{bucket}", env={"HTTP_PROXY": proxy.url, "NO_PROXY": ""})
        assert via_env.rc == 0 and len(proxy.targets) > seen
        seen = len(proxy.targets)
        bypass = s3cmd("ls", "-r", f"s3://{bucket}", env={"HTTP_PROXY": proxy.url, "NO_PROXY": "127.0.0.1"})
        assert bypass.rc == 0 and len(proxy.targets) == seen
    finally:
        proxy.stop()


def test_verbose_progress_and_help(s3cmd: S3cmdRunner, bucket: str) -> None:
    (s3cmd.home / "a.txt").write_text("progress")
    progress = s3cmd("--progress", "put", "a.txt", f"s3://{bucket}/p.txt")
    assert progress.rc == 0
    first, rest = progress.stdout.split("\n", 1)
    assert first == f"upload: 'a.txt' -> 's3://{bucket}/p.txt'  [1 of 1]"
    assert rest.rstrip().endswith("done") and "8 of 8" in rest
    verbose = s3cmd("-v", "get", "--skip-existing", f"s3://{bucket}/p.txt", "a.txt")
    assert verbose.rc == 0 and "INFO: Skipping over existing file: 'a.txt'" in verbose.stderr
    quiet_default = s3cmd("get", "--skip-existing", f"s3://{bucket}/p.txt", "a.txt")
    assert quiet_default.stderr == ""
    helped = s3cmd("--help")
    assert helped.rc == 0 and helped.stdout.startswith("usage: s3cmd [options] COMMAND [parameters]")
    assert "Commands:" in helped.stdout and "s3cmd whoami" in helped.stdout


def test_terminated_multipart_upload_is_aborted(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    (s3cmd.home / "big.bin").write_bytes(os.urandom(30 * 1024 * 1024))
    proc = subprocess.Popen(
        [*s3cmd_executable(), "-c", str(s3cmd.config), "--limit-rate=2m", "--multipart-chunk-size-mb=5",
         "--parallel=1", "put", "big.bin", f"s3://{bucket}/big.bin"],
        env=s3cmd.base_env, cwd=s3cmd.home, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    s3 = moto_server.client("s3", identities["admin"])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not s3.list_multipart_uploads(Bucket=bucket).get("Uploads"):
        time.sleep(0.1)
    time.sleep(1.0)  # let a part or two go up
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads"), "the multipart upload was not aborted"
    assert "Contents" not in s3.list_objects(Bucket=bucket)


def test_bucket_info_lines_match_upstream(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "r", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 30}}]})
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [
        {"ObjectOwnership": "BucketOwnerEnforced"}]})
    info = s3cmd("info", f"s3://{bucket}")
    assert info.rc == 0, info.output
    # the lines s3cmd 2.4.0 prints for the same bucket on the same server
    assert lines(info.stdout)[:9] == [
        f"s3://{bucket}/ (bucket):",
        "   Location:  us-east-1",
        "   Payer:     none",
        "   Ownership: BucketOwnerEnforced",
        "   Versioning:Enabled",
        "   Expiration Rule: objects with key prefix 'logs/' will expire in '30' day(s) after creation",
        "   Block Public Access: BlockPublicAcls,IgnorePublicAcls",
        "   Policy:    none",
        "   CORS:      none",
    ]


def test_missing_sources_of_cp_mv_modify_and_info(s3cmd: S3cmdRunner, bucket: str) -> None:
    (s3cmd.home / "a.txt").write_text("a")
    assert s3cmd("put", "a.txt", f"s3://{bucket}/a.txt").rc == 0
    for command in (["cp", f"s3://{bucket}/nope", f"s3://{bucket}/x"], ["mv", f"s3://{bucket}/nope", f"s3://{bucket}/x"],
                    ["modify", f"s3://{bucket}/nope"]):
        run = s3cmd(*command)
        assert (run.rc, run.stdout, run.stderr) == (12, "", f"WARNING: Key not found s3://{bucket}/nope\n"), command
    # s3cmd sorts the sources by the name they get under the destination: a.txt before nope
    mixed = s3cmd("cp", f"s3://{bucket}/nope", f"s3://{bucket}/a.txt", f"s3://{bucket}/y/")
    assert mixed.rc == 2 and f"-> 's3://{bucket}/y/a.txt'  [1 of 2]" in mixed.stdout
    info = s3cmd("info", f"s3://{bucket}/nope")
    assert (info.rc, info.stderr) == (12, "ERROR: S3 error: 404 (NoSuchKey): The specified key does not exist.\n")


def test_several_sources_need_a_directory_destination(s3cmd: S3cmdRunner, bucket: str) -> None:
    (s3cmd.home / "a.txt").write_text("a")
    (s3cmd.home / "b.txt").write_text("b")
    for args in (["put", "a.txt", "b.txt", f"s3://{bucket}/multi"], ["put", "-r", ".", f"s3://{bucket}/tree"]):
        run = s3cmd(*args)
        assert run.rc == 64, run.output
        assert run.stderr == ("ERROR: Parameter problem: Destination S3 URI must end with '/' "
                              "(ie must refer to a directory on the remote side).\n")
    assert s3cmd("ls", "-r", f"s3://{bucket}").stdout == ""


def test_missing_parameters_and_bucket_only_delete(s3cmd: S3cmdRunner, bucket: str) -> None:
    short = s3cmd("cp", f"s3://{bucket}/a.txt")
    assert short.rc == 64
    assert short.stderr.startswith("ERROR: Not enough parameters for command 'cp' (usage: s3cmd cp ")
    whole = s3cmd("del", f"s3://{bucket}")
    assert whole.rc == 64
    assert whole.stderr == ("ERROR: Parameter problem: File name required, not only the bucket name. "
                            "Alternatively use --recursive\n")


def test_listing_and_deleting_past_one_page(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    keys = [f"many/{i:05d}.txt" for i in range(1203)]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    listing = s3cmd("ls", "-r", f"s3://{bucket}")
    assert listing.rc == 0
    assert [line.rsplit("  ", 1)[1] for line in lines(listing.stdout)] == [f"s3://{bucket}/{k}" for k in keys]
    assert s3cmd("du", f"s3://{bucket}").stdout == f"        1203    1203 objects s3://{bucket}/\n"
    removed = s3cmd("rm", "-r", "--force", f"s3://{bucket}")
    assert removed.rc == 0
    assert len(lines(removed.stdout)) == 1203 and lines(removed.stdout)[-1] == f"delete: 's3://{bucket}/{keys[-1]}'"
    assert s3.list_objects(Bucket=bucket).get("Contents") is None
