"""The .s3cfg model: s3cmd's defaults, its file format, and errors that name file and line."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest

from S3.Config import Config
from S3.errors import ConfigError
from S3.settings.options import DEFAULTS

UPSTREAM = Path("/tmp/upstream/bin/s3cmd")


def test_defaults_are_s3cmds() -> None:
    cfg = Config(env={})
    assert (cfg.host_base, cfg.host_bucket, cfg.bucket_location) == ("s3.amazonaws.com", "%(bucket)s.s3.amazonaws.com", "US")
    assert (cfg.use_https, cfg.signature_v2, cfg.multipart_chunk_size_mb, cfg.socket_timeout) == (True, False, 15, 300)
    assert cfg.region() == "us-east-1"


def test_reads_types_quotes_env_and_sections(tmp_path: Path) -> None:
    path = tmp_path / "cfg"
    path.write_text(
        "# comment\n[default]\naccess_key = AKIA123\nsecret_key = \"quoted secret\"\nuse_https = no\n"
        "socket_timeout = 20\nhost_base = $MY_HOST\nadd_headers = Cache-Control: max-age=60, X-Foo: bar\n"
        "[other]\naccess_key = IGNORED\n"
    )
    cfg = Config(str(path), env={"MY_HOST": "minio.local:9000"})
    assert cfg.access_key == "AKIA123" and cfg.secret_key == "quoted secret"
    assert cfg.use_https is False and cfg.socket_timeout == 20
    assert cfg.host_base == "minio.local:9000"
    assert cfg.extra_headers == {"Cache-Control": "max-age=60", "X-Foo": "bar"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[default]\nnot a setting\n", "line 2: expected 'name = value'"),
        ("[default]\nuse_https = perhaps\n", "line 2: use_https must be True or False"),
        ("[default]\n\nsocket_timeout = soon\n", "line 3: socket_timeout must be a whole number"),
        ("[default]\nverbosity = LOUD\n", "line 2: verbosity must be one of"),
    ],
)
def test_malformed_file_names_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.cfg"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        Config(str(path), env={})
    assert str(caught.value).startswith(f"{path}, ") and expected in str(caught.value)
    assert caught.value.exit_code == 78


def test_broken_line_with_a_secret_is_not_echoed(tmp_path: Path) -> None:
    path = tmp_path / "bad.cfg"
    path.write_text("[default]\nsecret_key: wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n")
    with pytest.raises(ConfigError) as caught:
        Config(str(path), env={})
    assert "EXAMPLEKEY" not in str(caught.value)


def test_missing_file_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="s3cmd --configure"):
        Config(str(tmp_path / "absent"), env={})


def test_dump_masks_secrets_and_round_trips(tmp_path: Path) -> None:
    cfg = Config(env={})
    cfg.update_option("access_key", "AKIAROUND")
    cfg.update_option("secret_key", "s3cr3t-value")
    cfg.update_option("use_https", "False")
    out = io.StringIO()
    cfg.dump_config(out)
    assert "secret_key = ********" in out.getvalue() and "s3cr3t-value" not in out.getvalue()
    written = tmp_path / "written.cfg"
    cfg.write_config_file(str(written))
    assert os.stat(written).st_mode & 0o777 == 0o600
    again = Config(str(written), env={})
    assert all(getattr(again, name) == getattr(cfg, name) for name in DEFAULTS)


@pytest.mark.skipif(not UPSTREAM.exists(), reason="upstream s3cmd 2.4.0 not installed in /tmp/upstream")
def test_file_written_by_upstream_reads_identically(tmp_path: Path) -> None:
    source = tmp_path / "in.cfg"
    source.write_text("[default]\naccess_key = AKIAUP\nsecret_key = upsecret\nhost_base = minio:9000\n"
                      "use_https = False\nmultipart_chunk_size_mb = 50\n")
    dumped = subprocess.run([str(UPSTREAM), "-c", str(source), "--dump-config"], capture_output=True, text=True,
                            check=True).stdout
    upstream_file = tmp_path / "upstream.cfg"
    upstream_file.write_text(dumped)
    ours = Config(str(upstream_file), env={})
    assert (ours.access_key, ours.secret_key, ours.host_base, ours.use_https, ours.multipart_chunk_size_mb) == (
        "AKIAUP", "upsecret", "minio:9000", False, 50)
    # and every option upstream writes is one we know, with the same value as ours for the same input
    reference = Config(str(source), env={})
    for line in dumped.splitlines()[1:]:
        name = line.split(" = ", 1)[0]
        assert name in DEFAULTS, name
        if name not in ("progress_meter", "verbosity"):
            assert getattr(ours, name) == getattr(reference, name), name


def test_scripts_provider_context_reads_the_config(tmp_path: Path) -> None:
    # S3.Config.Config.provider_context() stays for scripts; it hands the chain a CredentialSettings
    from S3.runtime import Runtime

    path = tmp_path / "cfg"
    path.write_text("[default]\nbucket_location = eu-west-3\nsts_endpoint = https://sts.example\n"
                    "credentials_cache = False\n")
    runtime = Runtime(env={"HOME": str(tmp_path)})
    ctx = Config(str(path), env={}).provider_context(runtime=runtime, profile="dev")
    assert (ctx.sts_region(), ctx.sts_endpoint, ctx.profile, ctx.cache) == ("eu-west-3", "https://sts.example", "dev", None)
    cached = Config(env={}).provider_context(runtime=runtime)
    assert cached.cache is not None and cached.sts_region() == ""  # "US" names no STS region
