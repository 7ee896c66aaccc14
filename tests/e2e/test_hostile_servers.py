"""The real ``s3cmd`` against broken or hostile endpoints (tests/hostile_server.py on 127.0.0.1).

Each failure must be one ``ERROR:`` line that names what answered, with a fitting exit code,
and must not cost unbounded memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from S3 import ExitCodes
from tests.conftest import Result, s3cmd_executable
from tests.hostile_server import BOMB, HTML, Answer, HostileServer, Script

MIB = 1024 * 1024


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "S3CMD_CONFIG"}
    base.update({"HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true", "TZ": "UTC"})
    return base


@pytest.fixture
def serve(tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    servers: list[HostileServer] = []

    def start(script: Script) -> tuple[HostileServer, Path]:
        server = HostileServer(script)
        servers.append(server)
        return server, server.write_config(tmp_path / f"s3cfg-{len(servers)}")

    yield start
    for server in servers:
        server.close()


def run(config: Path, env: dict[str, str], *args: str, cwd: Path | None = None) -> Result:
    proc = subprocess.run([*s3cmd_executable(), "-c", str(config), *args], env=env, capture_output=True,
                          timeout=60, cwd=str(cwd) if cwd else None)
    return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))


def one_error(result: Result) -> str:
    errors = [line for line in result.output.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1, result.output
    assert "Traceback" not in result.output and "Internal error" not in result.output, result.output
    return errors[0]


def always(answer: Answer) -> Script:
    return lambda method, path: answer


# -- an HTML page where S3 XML was expected (captive portal, proxy login page) --------------

@pytest.mark.parametrize("args", [["ls"], ["ls", "s3://bkt"], ["ls", "s3://bkt/dir/"], ["du", "s3://bkt"]])
def test_html_answer_to_a_listing_is_an_error(serve, env, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    _, config = serve(always(Answer(200, HTML, content_type="text/html")))
    result = run(config, env, *args)
    assert "answered HTML" in one_error(result) and "host_base" in one_error(result)
    assert result.rc == ExitCodes.EX_SERVERERROR
    assert result.stdout == ""


def test_html_answer_to_get_is_an_error_and_writes_nothing(serve, env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, config = serve(always(Answer(200, HTML, content_type="text/html; charset=utf-8")))
    result = run(config, env, "get", "s3://bkt/backup.tar", str(tmp_path / "out.tar"))
    assert "HTML page" in one_error(result)
    assert result.rc == ExitCodes.EX_SERVERERROR
    assert not (tmp_path / "out.tar").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_html_object_with_an_etag_is_object_content(serve, env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, config = serve(always(Answer(200, HTML, content_type="text/html", headers=(("ETag", '"abc"'),))))
    result = run(config, env, "get", "s3://bkt/index.html", str(tmp_path / "index.html"))
    assert result.rc == 0, result.output
    assert (tmp_path / "index.html").read_bytes() == HTML


def test_html_answer_to_put_is_an_error(serve, env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, config = serve(always(Answer(200, HTML, content_type="text/html")))
    source = tmp_path / "f.txt"
    source.write_bytes(b"data")
    result = run(config, env, "put", str(source), "s3://bkt/f.txt")
    assert "answered HTML" in one_error(result)
    assert result.rc == ExitCodes.EX_SERVERERROR


def test_listing_that_is_other_xml_is_an_error_not_empty(serve, env) -> None:  # type: ignore[no-untyped-def]
    _, config = serve(always(Answer(200, b"<?xml version='1.0'?><Foo><Bar/></Foo>")))
    result = run(config, env, "ls", "s3://bkt")
    assert "<Foo>, not S3's <ListBucketResult>" in one_error(result)
    assert result.rc == ExitCodes.EX_SERVERERROR


def test_entity_bomb_is_a_clear_error(serve, env) -> None:  # type: ignore[no-untyped-def]
    _, config = serve(always(Answer(200, BOMB)))
    result = run(config, env, "ls", "s3://bkt")
    assert "malformed XML" in one_error(result)
    assert result.rc == ExitCodes.EX_SERVERERROR


# -- bare 404 ------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["ls"], ["ls", "s3://bkt"], ["del", "s3://bkt/k"]])
def test_bare_404_says_not_found_as_upstream(serve, env, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    _, config = serve(always(Answer(404, b"", content_type="text/plain")))
    result = run(config, env, *args)
    assert one_error(result) == "ERROR: S3 error: 404 (Not Found)"
    assert result.rc == ExitCodes.EX_NOTFOUND


def test_head_404_still_means_missing_object(serve, env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, config = serve(always(Answer(404, b"", content_type="text/plain")))
    result = run(config, env, "info", "s3://bkt/k")
    assert "NoSuchKey" in one_error(result) or "does not exist" in one_error(result)


# -- an error body that never ends ------------------------------------------------------------

ENDLESS = Answer(403, b"<Error><Code>AccessDenied</Code><Message>" + b"A" * 4000, declared=10 * 1024**3,
                 limit=200 * MIB)


def _peak_rss_mib(config: Path, env: dict[str, str], *args: str) -> tuple[Result, float]:
    """Run s3cmd under a fresh Python whose only child it is: RUSAGE_CHILDREN is then its peak RSS."""
    probe = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)")
    proc = subprocess.run([sys.executable, "-c", probe, *s3cmd_executable(), "-c", str(config), *args], env=env,
                          capture_output=True, timeout=120)
    stderr = proc.stderr.decode("utf-8", "replace").splitlines()
    peak_kib = int(stderr[-1])
    return Result(proc.returncode, proc.stdout.decode(), "\n".join(stderr[:-1])), peak_kib / 1024


@pytest.mark.parametrize("args", [["ls", "s3://bkt"], ["get", "s3://bkt/k", "-"]], ids=["held-whole", "streamed"])
def test_endless_error_body_is_not_read_into_memory(serve, env, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    server, config = serve(always(ENDLESS))
    started = time.monotonic()
    result, peak = _peak_rss_mib(config, env, *args)
    assert result.rc == ExitCodes.EX_ACCESSDENIED, result.output
    assert one_error(result).startswith("ERROR: S3 error: 403")
    assert peak < 120, f"peak RSS {peak:.0f} MiB"
    assert time.monotonic() - started < 30
    time.sleep(0.5)  # let the server notice the hang-up
    assert server.sent and max(server.sent) < 100 * MIB, server.sent


# -- DNS ---------------------------------------------------------------------------------------

def test_unresolvable_host_is_one_line_without_retries(env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # RFC 6761: .invalid never resolves, and the local resolver says so without asking anyone
    config = tmp_path / "s3cfg"
    config.write_text("[default]\naccess_key = AK\nsecret_key = SK\nhost_base = nohost.invalid\n"
                      "host_bucket = nohost.invalid\nuse_https = False\n")
    started = time.monotonic()
    result = run(config, env, "ls")
    assert one_error(result) == "ERROR: Could not resolve host 'nohost.invalid': check host_base / --host"
    assert "Retrying" not in result.output
    assert result.rc == ExitCodes.EX_IOERR
    assert time.monotonic() - started < 5


# -- URIs and limits --------------------------------------------------------------------------

LISTING = b"<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>key</Key><Size>3</Size>" \
          b"<LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>\"x\"</ETag></Contents></ListBucketResult>"


def test_upper_case_scheme_lists_the_bucket_as_upstream(serve, env) -> None:  # type: ignore[no-untyped-def]
    server, config = serve(always(Answer(200, LISTING)))
    result = run(config, env, "ls", "S3://bkt/key")
    assert result.rc == 0, result.output
    assert "s3://bkt/key" in result.stdout
    assert server.requests[0][1].startswith("/bkt")


@pytest.mark.parametrize("arg", ["s3:/x", "s3:bucket", "bucket"])
def test_ls_of_something_not_an_s3_uri_is_refused(serve, env, arg: str) -> None:  # type: ignore[no-untyped-def]
    server, config = serve(always(Answer(200, LISTING)))
    result = run(config, env, "ls", arg)
    assert "Expecting S3 URI" in one_error(result)
    assert result.rc == ExitCodes.EX_USAGE
    assert server.requests == []


@pytest.mark.parametrize("expiry", ["+700000", "+604801", "1"])
def test_signurl_refuses_an_expiry_it_cannot_honour(serve, env, expiry: str) -> None:  # type: ignore[no-untyped-def]
    _, config = serve(always(Answer(200, b"")))
    result = run(config, env, "signurl", "s3://bkt/key", expiry)
    assert one_error(result).startswith("ERROR: Parameter problem:")
    assert result.rc == ExitCodes.EX_USAGE
    assert result.stdout == ""


def test_signurl_of_a_week_is_fine(serve, env) -> None:  # type: ignore[no-untyped-def]
    _, config = serve(always(Answer(200, b"")))
    result = run(config, env, "signurl", "s3://bkt/key", "+604800")
    assert result.rc == 0, result.output
    assert "X-Amz-Expires=604800" in result.stdout


@pytest.mark.parametrize(("mb", "message"), [
    ("0", "Chunk size 0 MB is too small, must be >= 5 MB. Please adjust --multipart-chunk-size-mb"),
    ("6000", "Chunk size 6000 MB is too large, must be <= 5120 MB. Please adjust --multipart-chunk-size-mb"),
])
def test_chunk_size_out_of_range_is_refused_as_upstream(serve, env, tmp_path: Path, mb: str, message: str) -> None:  # type: ignore[no-untyped-def]
    server, config = serve(always(Answer(200, b"")))
    source = tmp_path / "f.txt"
    source.write_bytes(b"data")
    result = run(config, env, f"--multipart-chunk-size-mb={mb}", "put", str(source), "s3://bkt/f.txt")
    assert one_error(result) == f"ERROR: Parameter problem: {message}"
    assert result.rc == ExitCodes.EX_USAGE
    assert server.requests == []


def test_endless_listing_is_refused_past_the_answer_cap(serve, env) -> None:  # type: ignore[no-untyped-def]
    endless = Answer(200, b"<ListBucketResult>" + b"<Contents><Key>k</Key></Contents>" * 100, declared=10 * 1024**3,
                     limit=200 * MIB)
    server, config = serve(always(endless))
    result, peak = _peak_rss_mib(config, env, "ls", "s3://bkt")
    assert "answered more than 64 MiB" in one_error(result)
    assert result.rc == ExitCodes.EX_SERVERERROR
    assert peak < 250, f"peak RSS {peak:.0f} MiB"  # the 64 MiB cap, joined once; never the 200 MiB sent
    time.sleep(0.5)
    assert server.sent and max(server.sent) < 150 * MIB, server.sent


# -- listings that are not what was asked for -------------------------------------------------

def _listing(*keys: str, truncated: bool = False, next_marker: str = "", encoded: bool = False) -> bytes:
    rows = "".join(f"<Contents><Key>{key}</Key><Size>1</Size><LastModified>2026-01-01T00:00:00.000Z</LastModified>"
                   f"<ETag>\"c4ca4238a0b923820dcc509a6f75849b\"</ETag></Contents>" for key in keys)
    return (f"<ListBucketResult><Name>bkt</Name>{'<EncodingType>url</EncodingType>' if encoded else ''}"
            f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>"
            f"{f'<NextMarker>{next_marker}</NextMarker>' if next_marker else ''}{rows}</ListBucketResult>").encode()


def _lists_then_records(listing: Script) -> Script:
    """``listing`` answers GETs of the bucket; anything else (a DELETE, a multi-delete POST, a GET of
    an object) is recorded by the server and answered with an error, so that nothing looks done."""
    def script(method: str, path: str) -> Answer:
        if _is_listing(method, path):
            return listing(method, path)
        return Answer(500, b"<Error><Code>InternalError</Code><Message>not expected</Message></Error>")
    return script


def _is_listing(method: str, path: str) -> bool:
    where, _, query = path.partition("?")
    return method == "GET" and where.rstrip("/") == "/bkt" and "location" not in query


def _acted_on(server: HostileServer) -> list[tuple[str, str]]:
    return [(method, path) for method, path in server.requests if not _is_listing(method, path)]


@pytest.mark.parametrize("args", [["del", "-r", "--force", "s3://bkt/dir/"], ["ls", "-r", "s3://bkt/dir/"],
                                  ["get", "-r", "s3://bkt/dir/", "out/"], ["sync", "s3://bkt/dir", "out/"]],
                         ids=["del", "ls", "get", "sync"])
def test_keys_listed_outside_the_prefix_are_refused(serve, env, tmp_path: Path, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    """A server that ignores ``prefix=`` must not have us delete, move or fetch keys nobody named."""
    server, config = serve(_lists_then_records(always(Answer(200, _listing("dir/a", "important", "zzz/keep")))))
    (tmp_path / "out").mkdir()
    result = run(config, env, *args, cwd=tmp_path)
    assert "not below the prefix 'dir" in one_error(result) and result.rc == ExitCodes.EX_SERVERERROR
    assert _acted_on(server) == [] and list((tmp_path / "out").iterdir()) == []


def test_a_listing_that_never_moves_on_is_refused(serve, env) -> None:  # type: ignore[no-untyped-def]
    server, config = serve(always(Answer(200, _listing("a", "b", truncated=True, next_marker="b"))))
    result = run(config, env, "ls", "-r", "s3://bkt")
    assert "does not move on" in one_error(result) and result.rc == ExitCodes.EX_SERVERERROR
    assert len(server.requests) == 2


def test_a_truncated_listing_that_cannot_go_on_is_an_error_not_its_end(serve, env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Taken for the end, it would have sync --delete-removed delete every file past it."""
    def pages(method: str, path: str) -> Answer:
        if "marker=" in path:
            return Answer(200, _listing(truncated=True))  # no row, no NextMarker
        return Answer(200, _listing("a", "b", truncated=True, next_marker="b"))
    server, config = serve(_lists_then_records(pages))
    out = tmp_path / "out"
    out.mkdir()
    for name in "abcdef":
        (out / name).write_bytes(b"1")
    result = run(config, env, "sync", "--delete-removed", "s3://bkt/", "out/", cwd=tmp_path)
    assert "truncated but not where it goes on" in one_error(result) and result.rc == ExitCodes.EX_SERVERERROR
    assert sorted(p.name for p in out.iterdir()) == list("abcdef")


def test_an_encoded_key_that_is_not_utf8_is_refused_not_replaced(serve, env) -> None:  # type: ignore[no-untyped-def]
    """'%FF' decoded with replacement would name the object '\ufffd', which is another key."""
    server, config = serve(_lists_then_records(always(Answer(200, _listing("caf%FF", "x", encoded=True)))))
    result = run(config, env, "del", "-r", "--force", "s3://bkt/")
    assert "not UTF-8" in one_error(result) and result.rc == ExitCodes.EX_SERVERERROR
    assert _acted_on(server) == []


def test_control_characters_in_keys_cannot_forge_or_drive_output(serve, env) -> None:  # type: ignore[no-untyped-def]
    """A key may hold LF, CR, ESC: printed raw they would add a listing line that is no object, or
    rewrite the terminal. Each object stays one line, its controls escaped."""
    forged = "nl%0A2026-01-01%2000%3A00%20%20%20%20%20%20%20%20%20%20999%20%20s3%3A%2F%2Fbkt%2FFORGED"
    server, config = serve(always(Answer(200, _listing(forged, "esc%1B%5B2J", "cr%0DX", encoded=True))))
    result = run(config, env, "ls", "-r", "s3://bkt")
    assert result.rc == 0, result.output
    assert [line.split("  s3://bkt/", 1)[1] for line in result.stdout.splitlines()] == [
        "nl\\n2026-01-01 00:00          999  s3://bkt/FORGED", "esc\\x1b[2J", "cr\\rX"]
    assert "\x1b" not in result.output and "\r" not in result.output
