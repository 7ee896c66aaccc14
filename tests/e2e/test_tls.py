"""TLS options against an HTTPS server on 127.0.0.1 with a certificate from a throwaway CA:
--ca-certs / ca_certs_file, --no-check-certificate, --no-check-hostname, and the error without them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import S3cmdRunner
from tests.tls import HttpsS3Stub, make_ca_and_cert

pytestmark = pytest.mark.e2e


def tls_config(home: Path, port: int, **extra: str) -> Path:
    path = home / "tls.cfg"
    lines = ["[default]", "access_key = AKIATLS", "secret_key = tls-secret", f"host_base = 127.0.0.1:{port}",
             f"host_bucket = 127.0.0.1:{port}", "use_https = True", "bucket_location = us-east-1"]
    lines += [f"{k} = {v}" for k, v in extra.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_certificate_checks(s3cmd: S3cmdRunner, tmp_path: Path) -> None:
    ca, cert, key = make_ca_and_cert(tmp_path, san_ip="127.0.0.1", san_dns=None)
    server = HttpsS3Stub(cert, key)
    env = {"REQUESTS_CA_BUNDLE": "", "SSL_CERT_FILE": "", "AWS_CA_BUNDLE": ""}
    try:
        config = tls_config(s3cmd.home, server.port)
        untrusted = s3cmd("ls", config=config, env=env)
        assert untrusted.rc == 77, untrusted.output
        assert untrusted.stderr.startswith(f"ERROR: TLS problem talking to https://127.0.0.1:{server.port}/")
        assert "ca_certs_file" in untrusted.stderr and len(untrusted.stderr.strip().splitlines()) == 1
        trusted = s3cmd("--ca-certs", str(ca), "ls", config=config, env=env)
        assert trusted.rc == 0 and trusted.stdout.endswith("  s3://tls-bucket\n"), trusted.output
        from_file = s3cmd("ls", config=tls_config(s3cmd.home, server.port, ca_certs_file=str(ca)), env=env)
        assert from_file.rc == 0
        from_env = s3cmd("ls", config=config, env={**env, "AWS_CA_BUNDLE": str(ca)})
        assert from_env.rc == 0
        unchecked = s3cmd("--no-check-certificate", "ls", config=config, env=env)
        assert unchecked.rc == 0 and "Warning" not in unchecked.stderr
    finally:
        server.stop()


def test_hostname_check_can_be_turned_off_alone(s3cmd: S3cmdRunner, tmp_path: Path) -> None:
    ca, cert, key = make_ca_and_cert(tmp_path, san_ip=None, san_dns="s3.other.example")
    server = HttpsS3Stub(cert, key)
    try:
        config = tls_config(s3cmd.home, server.port, ca_certs_file=str(ca))
        mismatch = s3cmd("ls", config=config)
        assert mismatch.rc == 77 and "TLS problem" in mismatch.stderr
        relaxed = s3cmd("--no-check-hostname", "ls", config=config)
        assert relaxed.rc == 0, relaxed.output
    finally:
        server.stop()
    assert os.path.exists(ca)


def test_check_options_override_a_config_file_that_turns_checks_off(s3cmd: S3cmdRunner, tmp_path: Path) -> None:
    """--check-certificate / --check-hostname win over check_ssl_* = False in the file."""
    ca, cert, key = make_ca_and_cert(tmp_path, san_ip=None, san_dns="s3.other.example")
    server = HttpsS3Stub(cert, key)
    env = {"REQUESTS_CA_BUNDLE": "", "SSL_CERT_FILE": "", "AWS_CA_BUNDLE": ""}
    try:
        lax = tls_config(s3cmd.home, server.port, check_ssl_certificate="False")
        assert s3cmd("ls", config=lax, env=env).rc == 0
        strict_cert = s3cmd("--check-certificate", "ls", config=lax, env=env)
        assert strict_cert.rc == 77 and "TLS problem" in strict_cert.stderr, strict_cert.output
        no_name_check = tls_config(s3cmd.home, server.port, ca_certs_file=str(ca), check_ssl_hostname="False")
        assert s3cmd("ls", config=no_name_check, env=env).rc == 0
        strict_name = s3cmd("--check-hostname", "ls", config=no_name_check, env=env)
        assert strict_name.rc == 77 and "TLS problem" in strict_name.stderr, strict_name.output
    finally:
        server.stop()


def test_client_certificate_is_presented_with_ssl_cert_and_ssl_key(s3cmd: S3cmdRunner, tmp_path: Path) -> None:
    ca, cert, key = make_ca_and_cert(tmp_path, san_ip="127.0.0.1", san_dns=None)
    client_ca, client_cert, client_key = make_ca_and_cert(tmp_path, san_ip=None, san_dns="s3cmd-client", client=True)
    server = HttpsS3Stub(cert, key, client_ca=client_ca)
    try:
        config = tls_config(s3cmd.home, server.port, ca_certs_file=str(ca))
        refused = s3cmd("ls", config=config)
        assert refused.rc != 0, refused.output
        admitted = s3cmd("--ssl-cert", str(client_cert), "--ssl-key", str(client_key), "ls", config=config)
        assert admitted.rc == 0 and admitted.stdout.endswith("  s3://tls-bucket\n"), admitted.output
    finally:
        server.stop()
