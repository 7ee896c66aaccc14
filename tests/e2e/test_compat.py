"""Behaviour that s3cmd 2.4.0 shows side by side with ours on the same server (issue 10, item 6),
and ``--help`` (item 7): the lines and exit codes are upstream's, checked against
``/tmp/upstream/bin/s3cmd`` on a moto server when these tests were written.

The help tests read upstream's ``--help`` captured in ``tests/cases/upstream_help.txt``, so CI
needs no upstream install.
"""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
import uuid
from pathlib import Path

import pytest

from S3.cli.commands import COMMANDS
from S3.cli.parser import build_parser
from tests.conftest import S3cmdRunner, s3cmd_executable, write_config
from tests.hostile_server import Answer, HostileServer
from tests.servers import MotoServer

CASES = Path(__file__).resolve().parent.parent / "cases"


# -- unknown options: optparse's exit code ---------------------------------------------------


@pytest.mark.parametrize("args", [
    ("--no-such-option", "ls"),
    ("ls", "-x"),
    ("--force=x", "ls"),
    ("ls", "--secret_key"),
    ("--parallel", "many", "ls"),
])
def test_option_parsing_errors_exit_2_as_upstream(s3cmd: S3cmdRunner, args: tuple[str, ...]) -> None:
    run = s3cmd(*args)
    assert run.rc == 2, run.output
    assert run.stderr.startswith("Usage: s3cmd [options] COMMAND [parameters]\nERROR: "), run.stderr
    assert "Traceback" not in run.output


@pytest.mark.parametrize(("args", "line"), [
    (("frobnicate",), "ERROR: Invalid command: frobnicate"),
    (("mb",), "ERROR: Not enough parameters for command 'mb'"),
])
def test_parameter_problems_keep_exit_64_as_upstream(s3cmd: S3cmdRunner, args: tuple[str, ...], line: str) -> None:
    run = s3cmd(*args)
    assert run.rc == 64, run.output
    assert line in run.stderr


# -- mb: bucket names checked before any request ---------------------------------------------

_STRICT = ("The only supported ones are: lowercase us-ascii letters (a-z), digits (0-9), dot (.) and hyphen (-).")
_LENIENT = ("The only supported ones are: us-ascii letters (a-z, A-Z), digits (0-9), dot (.), hyphen (-) "
            "and underscore (_).")


@pytest.mark.parametrize(("name", "region", "message"), [
    ("ab", "us-east-1", "Bucket name 'ab' is too short (min 3 characters)"),
    ("ab!c", "us-east-1", f"Bucket name 'ab!c' contains disallowed character '!'. {_LENIENT}"),
    ("a%b", "eu-west-1", f"Bucket name 'a%b' contains disallowed character '%'. {_STRICT}"),
    ("Bad_Name", "eu-west-1", f"Bucket name 'Bad_Name' contains disallowed character 'B'. {_STRICT}"),
    ("abc-", "eu-west-1", "Bucket name 'abc-' must end with a letter or a digit"),
    ("-abc", "eu-west-1", "Bucket name '-abc' must start with a letter or a digit"),
    ("a..b", "eu-west-1", "Bucket name 'a..b' must not contain sequence '..' for DNS compatibility"),
    ("a-.b", "eu-west-1", "Bucket name 'a-.b' must not contain sequence '-.' for DNS compatibility"),
    ("x" * 64, "eu-west-1", f"Bucket name '{'x' * 64}' is too long (max 63 characters)"),
    ("x" * 256, "us-east-1", f"Bucket name '{'x' * 256}' is too long (max 255 characters)"),
])
def test_mb_refuses_invalid_names_locally_as_upstream(s3cmd: S3cmdRunner, s3, name: str, region: str,  # type: ignore[no-untyped-def]
                                                      message: str) -> None:
    run = s3cmd("mb", "--region", region, f"s3://{name}")
    assert (run.rc, run.stdout) == (64, ""), run.output
    assert run.stderr == f"ERROR: Parameter problem: {message}\n"
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert name not in names


def test_mb_in_us_east_1_allows_legacy_names_as_upstream(s3cmd: S3cmdRunner, s3) -> None:  # type: ignore[no-untyped-def]
    """Upstream checks DNS rules only outside us-east-1 (whatever ``host_bucket`` says); the
    server has the last word on the rest."""
    name = f"Legacy_{uuid.uuid4().hex[:8]}"
    run = s3cmd("mb", f"s3://{name}")
    assert (run.rc, run.stdout) == (0, f"Bucket 's3://{name}/' created\n"), run.output
    assert name in {b["Name"] for b in s3.list_buckets()["Buckets"]}


# -- the bucket line upstream prints before the S3 error -------------------------------------


def test_ls_and_du_of_a_missing_bucket_print_upstreams_first_line(s3cmd: S3cmdRunner) -> None:
    for args in (("ls", "s3://no-such-bucket-cc"), ("ls", "-r", "s3://no-such-bucket-cc/pfx"),
                 ("du", "s3://no-such-bucket-cc")):
        run = s3cmd(*args)
        assert run.rc == 12, run.output
        assert run.stderr == ("ERROR: Bucket 'no-such-bucket-cc' does not exist\n"
                              "ERROR: S3 error: 404 (NoSuchBucket): The specified bucket does not exist\n"), args


def test_ls_of_a_bucket_one_may_not_read_names_it(s3cmd: S3cmdRunner, moto_server: MotoServer, identities,
                                                   bucket: str) -> None:  # type: ignore[no-untyped-def]
    limited = write_config(s3cmd.home / "limited.cfg", moto_server, identities["limited"])
    run = s3cmd("ls", "-r", f"s3://{bucket}", config=limited)
    assert run.rc == 77, run.output
    assert run.stderr.splitlines()[0] == f"ERROR: Access to bucket '{bucket}' was denied"
    assert run.stderr.splitlines()[1].startswith("ERROR: S3 error: 403 (AccessDenied)")


def test_mb_of_a_bucket_someone_else_owns_prints_upstreams_first_line(tmp_path: Path) -> None:
    body = (b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>BucketAlreadyExists</Code>"
            b"<Message>The requested bucket name is not available.</Message></Error>")
    server = HostileServer(lambda method, path: Answer(409, body))
    try:
        config = server.write_config(tmp_path / "cfg")
        env = {**os.environ, "HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true"}
        run = subprocess.run([*s3cmd_executable(), "-c", str(config), "mb", "s3://taken-bucket"],
                             capture_output=True, text=True, env=env, timeout=60)
    finally:
        server.close()
    assert run.returncode == 13, run.stderr
    assert run.stderr == ("ERROR: Bucket 'taken-bucket' already exists\n"
                          "ERROR: S3 error: 409 (BucketAlreadyExists): The requested bucket name is not available.\n")


# -- del -r / rm -r: a line per key ----------------------------------------------------------


def test_recursive_delete_prints_a_line_per_key(s3cmd: S3cmdRunner, s3, bucket: str) -> None:  # type: ignore[no-untyped-def]
    keys = ["d/a", "d/sp ace", "d/café", "d/x&y", "e/other"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"1")
    run = s3cmd("del", "-r", f"s3://{bucket}/d/")
    assert run.rc == 0, run.output
    assert sorted(run.stdout.splitlines()) == sorted(f"delete: 's3://{bucket}/{k}'" for k in keys[:4])
    rest = s3cmd("rm", "-r", "--force", f"s3://{bucket}")
    assert (rest.rc, rest.stdout) == (0, f"delete: 's3://{bucket}/e/other'\n")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


# -- put of symbolic links --------------------------------------------------------------------


@pytest.fixture
def links(s3cmd: S3cmdRunner) -> Path:
    home = s3cmd.home
    (home / "dir").mkdir()
    (home / "other").mkdir()
    (home / "target.txt").write_text("t")
    (home / "other" / "o.txt").write_text("o")
    (home / "dir" / "real.txt").write_text("r")
    os.symlink("../target.txt", home / "dir" / "link.txt")
    os.symlink("../other", home / "dir" / "linkdir")
    os.symlink("target.txt", home / "toplink")
    os.symlink("nowhere", home / "dir" / "dangling")
    return home


def _keys(s3, bucket: str) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


def test_put_skips_symbolic_links_without_follow_symlinks(s3cmd: S3cmdRunner, s3, bucket: str,  # type: ignore[no-untyped-def]
                                                          links: Path) -> None:
    alone = s3cmd("put", "toplink", f"s3://{bucket}/u/")
    assert (alone.rc, alone.stdout) == (64, ""), alone.output
    assert alone.stderr == "WARNING: Skipping over symbolic link: toplink\nERROR: Parameter problem: Nothing to upload.\n"
    tree = s3cmd("put", "-r", "dir", f"s3://{bucket}/r/")
    assert tree.rc == 0, tree.output
    assert tree.stderr == ("WARNING: Skipping over broken symbolic link: dir/dangling\n"  # upstream: silently
                           "WARNING: Skipping over symbolic link: dir/link.txt\n")
    assert _keys(s3, bucket) == ["r/dir/real.txt"]


def test_put_follows_symbolic_links_when_asked(s3cmd: S3cmdRunner, s3, bucket: str,  # type: ignore[no-untyped-def]
                                               links: Path) -> None:
    alone = s3cmd("put", "--follow-symlinks", "toplink", f"s3://{bucket}/u/")
    assert alone.rc == 0, alone.output
    tree = s3cmd("put", "-r", "-F", "dir", f"s3://{bucket}/f/")
    assert tree.rc == 0, tree.output
    assert tree.stderr == "WARNING: Skipping over broken symbolic link: dir/dangling\n"
    assert _keys(s3, bucket) == ["f/dir/link.txt", "f/dir/linkdir/o.txt", "f/dir/real.txt", "u/toplink"]


# -- get of objects with non-ASCII names -----------------------------------------------------

_NAMES = ["", "café", unicodedata.normalize("NFD", "café"), "pct%41", "pct%2F", "plus+x", "sp ace", "emoji😀",
          "日本語", "a%", "x?y", "eq=x&y", "ß", "line\u2028sep", "nb\u00a0sp"]


def test_get_of_non_ascii_and_odd_names_as_put_stored_them(s3cmd: S3cmdRunner, s3, bucket: str) -> None:  # type: ignore[no-untyped-def]
    for number, name in enumerate(_NAMES):
        name = name or "vide-é"  # an empty object, with its bytes "" below
        (s3cmd.home / f"src{number}").write_bytes(name.encode() if number else b"")
        put = s3cmd("put", f"src{number}", f"s3://{bucket}/{name}")
        assert put.rc == 0, (name, put.output)
        content = (s3cmd.home / f"src{number}").read_bytes()
        assert s3.get_object(Bucket=bucket, Key=name)["Body"].read() == content  # the key, byte for byte
        got = s3cmd("get", f"s3://{bucket}/{name}", f"out{number}")
        assert got.rc == 0, (name, got.output)
        assert (s3cmd.home / f"out{number}").read_bytes() == content


def test_a_uri_that_is_not_utf8_is_a_parameter_problem(s3cmd: S3cmdRunner, bucket: str) -> None:
    """A name typed in a Latin-1 terminal reaches us as bytes that no S3 key can have."""
    latin1 = os.fsdecode(b"caf\xe9")
    for args in (("get", f"s3://{bucket}/{latin1}", "out"), ("ls", f"s3://{bucket}/{latin1}")):
        run = s3cmd(*args)
        assert run.rc == 64, run.output
        assert run.stderr == (f"ERROR: Parameter problem: 's3://{bucket}/caf\\xe9' is not valid UTF-8, "
                              "as S3 names must be: check the terminal's or the script's encoding\n")



# -- --help ----------------------------------------------------------------------------------

# Every upstream command is dispatched since the merge of issue 10's command helpers.
EXPECTED_MISSING: set[str] = set()
# Upstream options we don't parse yet: --add-destination (sync to several destinations: no helper
# has it) and --skip-destination-validation (setnotification's, being connected by `wiring`).
EXPECTED_MISSING_OPTIONS: set[str] = set()
OURS = {"whoami"}


def _commands(help_text: str) -> list[tuple[str, str]]:
    """(command, title) in the order the Commands section lists them."""
    section = help_text.split("\nCommands:\n", 1)[1]
    lines = section.splitlines()
    found = []
    for title, usage in zip(lines, lines[1:], strict=False):
        if title.startswith("  ") and not title.startswith("   ") and usage.startswith("      s3cmd "):
            found.append((usage.split()[1], title.strip()))
    return found


def _options(help_text: str) -> set[str]:
    head = help_text.split("\nCommands:\n", 1)[0]
    names: set[str] = set()
    for line in head.splitlines():
        if re.match(r"^  -", line):
            spec = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
            names.update(re.findall(r"(?:^|, )(--?[A-Za-z0-9][\w-]*)", spec))
    return names


@pytest.fixture(scope="module")
def our_help() -> str:
    run = subprocess.run([*s3cmd_executable(), "--help"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "HOME": "/nonexistent"})
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.fixture(scope="module")
def upstream_help() -> str:
    return (CASES / "upstream_help.txt").read_text()


def test_help_lists_upstreams_commands_in_its_order_and_wording_plus_ours(our_help: str, upstream_help: str) -> None:
    theirs = _commands(upstream_help)
    ours = _commands(our_help)
    assert len(theirs) == 53  # 52 commands and the alias rm
    missing = {name for name, _ in theirs} - {name for name, _ in ours}
    assert missing == EXPECTED_MISSING, (
        f"missing from --help: {sorted(missing - EXPECTED_MISSING)}; "
        f"now present, remove from EXPECTED_MISSING: {sorted(EXPECTED_MISSING - missing)}")
    assert {name for name, _ in ours} - {name for name, _ in theirs} == OURS
    shared = [entry for entry in theirs if entry[0] not in missing]
    assert [entry for entry in ours if entry[0] not in OURS] == shared  # same order, same titles
    assert [name for name, _ in ours][-len(OURS):] == sorted(OURS)  # ours come after upstream's


def test_help_lists_every_command_we_dispatch(our_help: str) -> None:
    assert sorted(name for name, _ in _commands(our_help)) == sorted(COMMANDS)


def test_help_lists_every_option_we_parse_and_upstreams(our_help: str, upstream_help: str) -> None:
    parsed = {name for action in build_parser()._actions for name in action.option_strings}
    assert parsed <= _options(our_help)
    missing = _options(upstream_help) - parsed
    assert missing == EXPECTED_MISSING_OPTIONS, (
        f"upstream options not parsed: {sorted(missing - EXPECTED_MISSING_OPTIONS)}; "
        f"now parsed, remove from EXPECTED_MISSING_OPTIONS: {sorted(EXPECTED_MISSING_OPTIONS - missing)}")


def test_help_names_all_seven_credential_sources(our_help: str) -> None:
    paragraph = our_help.split("\nCredentials", 1)[1]
    for source in ("--access_key", "config file", "AWS_ACCESS_KEY_ID", "~/.aws", "AWS_WEB_IDENTITY_TOKEN_FILE",
                   "AWS_CONTAINER_CREDENTIALS_FULL_URI", "instance metadata"):
        assert source in paragraph, source


# -- options that had no test: each one changes what reaches the server -------------------------


def test_upload_options_storage_mime_attrs_acl(s3cmd: S3cmdRunner, s3, bucket: str) -> None:  # type: ignore[no-untyped-def]
    (s3cmd.home / "notes.txt").write_text("hello")

    def put(key: str, *options: str) -> dict:  # type: ignore[type-arg]
        run = s3cmd("put", *options, "notes.txt", f"s3://{bucket}/{key}")
        assert run.rc == 0, run.output
        return s3.head_object(Bucket=bucket, Key=key)

    assert put("rr", "--rr")["StorageClass"] == "REDUCED_REDUNDANCY"
    assert put("rr2", "--reduced-redundancy")["StorageClass"] == "REDUCED_REDUNDANCY"
    assert "StorageClass" not in put("norr", "--rr", "--no-rr")  # STANDARD is not sent back
    assert "StorageClass" not in put("norr2", "--reduced-redundancy", "--no-reduced-redundancy")
    assert put("guess", "-M")["ContentType"].startswith("text/plain")
    assert put("guess2", "--guess-mime-type")["ContentType"].startswith("text/plain")
    assert put("noguess", "--no-guess-mime-type", "--default-mime-type=application/x-mine")["ContentType"] \
        == "application/x-mine"
    # as s3cmd 2.4.0: --no-preserve stores the md5 alone (what verifies a multipart object later)
    assert put("nopreserve", "--no-preserve")["Metadata"] == {"s3cmd-attrs": "md5:5d41402abc4b2a76b9719d911017c592"}
    assert "s3cmd-attrs" not in put("nothing", "--no-preserve", "--no-check-md5")["Metadata"]
    assert "s3cmd-attrs" in put("preserve", "-p")["Metadata"]
    assert "s3cmd-attrs" in put("preserve2", "--preserve")["Metadata"]
    put("private", "--acl-public", "--acl-private")
    grants = s3.get_object_acl(Bucket=bucket, Key="private")["Grants"]
    assert not [g for g in grants if g["Grantee"].get("URI", "").endswith("AllUsers")]


def test_no_mime_magic(s3cmd: S3cmdRunner, s3, bucket: str) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("magic", reason="python-magic is what --no-mime-magic turns off")
    (s3cmd.home / "page").write_text("<html><body>no extension</body></html>")
    assert s3cmd("put", "page", f"s3://{bucket}/magic").rc == 0
    assert s3.head_object(Bucket=bucket, Key="magic")["ContentType"] == "text/html"
    assert s3cmd("put", "--no-mime-magic", "page", f"s3://{bucket}/plain").rc == 0
    assert s3.head_object(Bucket=bucket, Key="plain")["ContentType"] == "binary/octet-stream"


def test_remove_header_and_disable_multipart(s3cmd: S3cmdRunner, s3, bucket: str) -> None:  # type: ignore[no-untyped-def]
    (s3cmd.home / "big").write_bytes(os.urandom(6 * 1024 * 1024))
    whole = s3cmd("put", "--disable-multipart", "--multipart-chunk-size-mb=5", "big", f"s3://{bucket}/whole")
    assert whole.rc == 0, whole.output
    assert "-" not in s3.head_object(Bucket=bucket, Key="whole")["ETag"]
    parts = s3cmd("put", "--multipart-chunk-size-mb=5", "big", f"s3://{bucket}/parts")
    assert parts.rc == 0, parts.output
    assert s3.head_object(Bucket=bucket, Key="parts")["ETag"].endswith('-2"')
    assert s3cmd("modify", "--add-header=x-amz-meta-foo:bar", f"s3://{bucket}/whole").rc == 0
    assert s3.head_object(Bucket=bucket, Key="whole")["Metadata"]["foo"] == "bar"
    removed = s3cmd("modify", "--remove-header=x-amz-meta-foo", f"s3://{bucket}/whole")
    assert removed.rc == 0, removed.output
    assert "foo" not in s3.head_object(Bucket=bucket, Key="whole")["Metadata"]


def test_filters_from_files_and_regexps(s3cmd: S3cmdRunner, s3, bucket: str) -> None:  # type: ignore[no-untyped-def]
    tree = s3cmd.home / "tree"
    tree.mkdir()
    for name in ("a.log", "b.log", "keep.log", "c.txt", "d.tmp", "e.bak"):
        (tree / name).write_text(name)
    (s3cmd.home / "ex.lst").write_text("*.log\n")
    (s3cmd.home / "in.lst").write_text("keep.*\n")
    run = s3cmd("put", "-r", "--exclude-from=ex.lst", "--include-from=in.lst", "--rexclude=\\.tmp$",
                "--exclude=*.bak", "--include=b.*", "--rinclude=^nothing$", "tree/", f"s3://{bucket}/t/")
    assert run.rc == 0, run.output
    assert _keys(s3, bucket) == ["t/b.log", "t/c.txt", "t/keep.log"]


def test_ls_limit(s3cmd: S3cmdRunner, s3, bucket: str) -> None:  # type: ignore[no-untyped-def]
    for key in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    run = s3cmd("ls", "-r", "--limit=2", f"s3://{bucket}")
    assert run.rc == 0, run.output
    assert [line.split()[-1] for line in run.stdout.splitlines()] == [f"s3://{bucket}/a", f"s3://{bucket}/b"]


def test_endpoint_and_keys_on_the_command_line(s3cmd: S3cmdRunner, moto_server: MotoServer, identities,  # type: ignore[no-untyped-def]
                                              bucket: str) -> None:
    """--host, --host-bucket, --no-ssl, --access_key and --secret_key override a config that says otherwise."""
    elsewhere = s3cmd.home / "elsewhere.cfg"
    elsewhere.write_text("[default]\naccess_key = AKIAWRONGWRONGWRONG\nsecret_key = wrongwrongwrongwrong\n"
                         "host_base = 127.0.0.1:9\nhost_bucket = 127.0.0.1:9\nuse_https = True\nmax_retries = 0\n")
    host = moto_server.url.split("//", 1)[1]
    admin = identities["admin"]
    run = s3cmd("ls", f"--host={host}", f"--host-bucket={host}", "--no-ssl", f"--access_key={admin.access_key}",
                f"--secret_key={admin.secret_key}", config=elsewhere)
    assert run.rc == 0, run.output
    assert f"s3://{bucket}" in run.stdout
    wrong = s3cmd("ls", f"--host={host}", f"--host-bucket={host}", "--ssl", f"--access_key={admin.access_key}",
                  f"--secret_key={admin.secret_key}", config=elsewhere, timeout=60)
    assert wrong.rc != 0  # HTTPS to a plain-HTTP server


def test_recursive_delete_of_nothing_warns_as_upstream(s3cmd: S3cmdRunner, bucket: str) -> None:
    run = s3cmd("del", "-r", f"s3://{bucket}/nothing-here/")
    assert (run.rc, run.stdout, run.stderr) == (0, "", "WARNING: Remote list is empty.\n")


def test_rb_force_of_a_missing_bucket_succeeds_silently_as_upstream(s3cmd: S3cmdRunner) -> None:
    forced = s3cmd("rb", "--force", "s3://no-such-bucket-cc")
    assert (forced.rc, forced.output) == (0, "")
    plain = s3cmd("rb", "s3://no-such-bucket-cc")
    assert plain.rc == 12
    assert plain.stderr == "ERROR: S3 error: 404 (NoSuchBucket): The specified bucket does not exist\n"


def test_recursive_get_ls_del_of_keys_xml_cannot_carry(s3cmd: S3cmdRunner, s3, bucket: str,  # type: ignore[no-untyped-def]
                                                       relaxed_auth: None) -> None:
    """A key with a control character cannot appear in XML 1.0 as it is: the listing asks S3 to
    URL-encode keys (``encoding-type=url``) and decodes them (it was exit 11, malformed XML)."""
    keys = ["t/ctl\x01é", "t/plus+ sp%41", "t/日本"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    listing = s3cmd("ls", "-r", f"s3://{bucket}/t/")
    assert listing.rc == 0, listing.output
    assert sorted(line.split("   ", 1)[1].strip().split(" ", 1)[1].strip() for line in listing.stdout.splitlines()) \
        == sorted(f"s3://{bucket}/{key}".replace("\x01", "\\x01") for key in keys)  # shown escaped
    got = s3cmd("get", "-r", f"s3://{bucket}/t/", "out/")
    assert got.rc == 0, got.output
    assert sorted(p.read_bytes() for p in (s3cmd.home / "out").iterdir()) == sorted(k.encode() for k in keys)
    deleted = s3cmd("del", "-r", f"s3://{bucket}/t/")
    assert deleted.rc == 0, deleted.output
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_listing_keys_are_decoded_only_when_the_server_says_it_encoded_them() -> None:
    from S3.s3.xml import parse_list_page

    def page(extra: str, key: str) -> bytes:
        return (f"<ListBucketResult>{extra}<IsTruncated>false</IsTruncated><Contents><Key>{key}</Key>"
                "<LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>\"x\"</ETag><Size>1</Size>"
                "</Contents><CommonPrefixes><Prefix>p%2B+q/</Prefix></CommonPrefixes></ListBucketResult>").encode()

    encoded = parse_list_page(page("<EncodingType>url</EncodingType>", "ctl%01+%25"))
    assert ([o.key for o in encoded.objects], encoded.prefixes) == (["ctl\x01 %"], ("p+ q/",))
    ignored = parse_list_page(page("", "a%41+b"))  # a server that ignores encoding-type: keys as they are
    assert ([o.key for o in ignored.objects], ignored.prefixes) == (["a%41+b"], ("p%2B+q/",))

    # moto encodes the keys, not the CommonPrefixes: one that cannot be URL-encoding, or that is below the
    # prefix asked for only as it is, is taken as it is
    half = (b"<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>"
            b"<CommonPrefixes><Prefix>a b+c/sub dir/</Prefix></CommonPrefixes>"
            b"<CommonPrefixes><Prefix>a b+c/x%41+y/</Prefix></CommonPrefixes></ListBucketResult>")
    assert parse_list_page(half, prefix="a b+c/").prefixes == ("a b+c/sub dir/", "a b+c/x%41+y/")


def test_ls_of_a_folder_whose_name_url_decoding_would_change(s3cmd: S3cmdRunner, s3, bucket: str) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="a b+c/sub dir/x", Body=b"x")
    listed = s3cmd("ls", f"s3://{bucket}/a b+c/")
    assert listed.rc == 0 and listed.stdout.split() == ["DIR", f"s3://{bucket}/a", "b+c/sub", "dir/"], listed.output


# -- --help: each option's line in upstream's words -------------------------------------------

# Where our line says what this implementation does and s3cmd 2.4.0's would be untrue of it
# (COMPATIBILITY.md): the config file from $S3CMD_CONFIG, masked secrets, redacted debug output,
# our version string, --verbatim/--encoding refused,
# --list-allow-unordered as the Ceph extension it is, --configure without a bucket argument.
OWN_HELP = {"--configure", "--config", "--dump-config", "--debug", "--version", "--verbatim", "--encoding",
            "--list-allow-unordered"}


def _option_help(help_text: str) -> dict[str, str]:
    """Option (its last name) → its help, the wrapped lines joined (a line that ends in a hyphen
    was broken there) and runs of spaces made one (argparse's formatter does, optparse's not)."""
    head = help_text.split("\nCommands:\n", 1)[0]
    found: dict[str, str] = {}
    current = ""
    for line in head.splitlines():
        if re.match(r"^  -", line):
            spec, _, text = line.strip().partition("  ")
            current = re.findall(r"(?:^|, )(--?[A-Za-z0-9][\w-]*)", spec)[-1]
            found[current] = text.strip()
        elif current and line.startswith("        ") and line.strip():
            joined = found[current]
            glue = "" if re.search(r"\w-$", joined) else " "
            found[current] = (joined + glue + line.strip()).strip()
        else:
            current = ""
    return {name: " ".join(text.split()) for name, text in found.items()}


def test_option_help_is_upstreams_wording(our_help: str, upstream_help: str) -> None:
    ours, theirs = _option_help(our_help), _option_help(upstream_help)
    assert len(theirs) > 90 and theirs["--max-delete"] == "Do not delete more than NUM files. [del] and [sync]"
    differ = {name: (ours[name], theirs[name]) for name in sorted(ours.keys() & theirs.keys())
              if name not in OWN_HELP and ours[name] != theirs[name]}
    assert not differ, "\n".join(f"{name}\n  ours:     {a}\n  upstream: {b}" for name, (a, b) in differ.items())
    assert OWN_HELP <= ours.keys() & theirs.keys()
