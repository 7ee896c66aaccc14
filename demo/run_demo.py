"""make demo: the IRSA path end to end, on loopback only.

A moto server (S3 + STS + IAM, signatures and IAM policies enforced), a role that
may use buckets named ``demo-*``, a generated web identity token file, and the
real s3cmd given only what the EKS pod identity webhook injects (plus
``AWS_ENDPOINT_URL_STS`` pointing at the local STS). Then ``whoami``, mb, put,
ls, get, and a bucket the role may not touch. Each run's output is checked with the
test suite's secret guard (the token, the cached role credentials): the demo fails
if one shows.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import assert_run_shows_no_secret  # noqa: E402
from tests.servers import ADMIN_POLICY, MotoServer, StsFront, create_role  # noqa: E402

TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImRlbW8ifQ.demo-service-account-token.signature"
DEMO_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::demo-*", "arn:aws:s3:::demo-*/*"]},
        {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
    ],
}


def main() -> int:
    server = MotoServer()
    front = None
    try:
        server.enforce(False)
        admin = server.create_user("platform-admin", ADMIN_POLICY)
        role_arn = create_role(server, "s3cmd-backup", DEMO_POLICY)
        server.client("s3", admin).create_bucket(Bucket="payroll-records")
        server.enforce(True)
        front = StsFront(server, admin, {TOKEN})
        with tempfile.TemporaryDirectory(prefix="s3cmd-demo-") as home:
            host = server.url.split("//", 1)[1]
            # endpoint settings only: no keys anywhere
            Path(home, ".s3cfg").write_text(
                f"[default]\nhost_base = {host}\nhost_bucket = {host}\nuse_https = False\nbucket_location = us-east-1\n"
            )
            token_file = Path(home, "token")
            token_file.write_text(TOKEN)
            Path(home, "report.txt").write_text("nightly backup report\n")
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update(
                HOME=home,
                AWS_ROLE_ARN=role_arn,
                AWS_WEB_IDENTITY_TOKEN_FILE=str(token_file),
                AWS_STS_REGIONAL_ENDPOINTS="regional",
                AWS_REGION="us-east-1",
                AWS_DEFAULT_REGION="us-east-1",
                AWS_ENDPOINT_URL_STS=front.url,
                AWS_EC2_METADATA_DISABLED="true",
            )
            print(f"local S3/STS/IAM (moto, IAM enforcement on) at {server.url}; STS for web identity at {front.url}")
            print("environment, as the EKS webhook sets it:")
            for name in ("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_STS_REGIONAL_ENDPOINTS", "AWS_REGION",
                         "AWS_ENDPOINT_URL_STS"):
                print(f"  {name}={env[name]}")
            print()
            s3cmd = [sys.executable, str(ROOT / "s3cmd")]
            steps: list[tuple[list[str], int]] = [
                (["whoami"], 0),
                (["mb", "s3://demo-backups"], 0),
                (["put", "report.txt", "s3://demo-backups/2026/report.txt"], 0),
                (["ls", "-r", "s3://demo-backups"], 0),
                (["get", "s3://demo-backups/2026/report.txt", "restored.txt"], 0),
                (["ls", "-r", "s3://payroll-records"], 77),  # not the role's bucket: S3 says AccessDenied
                (["del", "s3://demo-backups/2026/report.txt"], 0),
                (["rb", "s3://demo-backups"], 0),
            ]
            for args, expected in steps:
                print(f"$ s3cmd {shlex.join(args)}")
                done = subprocess.run([*s3cmd, *args], env=env, cwd=home, text=True, capture_output=True)
                sys.stdout.write(done.stdout + done.stderr)
                print(f"  (exit {done.returncode})\n")
                if done.returncode != expected:
                    print(f"demo failed: expected exit {expected}")
                    return 1
                try:
                    assert_run_shows_no_secret(done.stdout, done.stderr, args=args, env=env,
                                               configs=[Path(home, ".s3cfg")])
                except AssertionError:  # its message quotes the output: not repeated here
                    print("demo failed: s3cmd printed a secret")
                    return 1
            print("restored.txt:", Path(home, "restored.txt").read_text().strip())
            web_identity = front.calls.get("AssumeRoleWithWebIdentity", 0)
            print(f"AssumeRoleWithWebIdentity calls: {web_identity} for {len(steps)} s3cmd runs "
                  "(the credentials are cached on disk)")
    finally:
        if front is not None:
            front.stop()
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
