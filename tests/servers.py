"""Local servers for end-to-end tests: a moto server (S3, STS, IAM) on 127.0.0.1 with
IAM and signature enforcement switchable, and the IAM identities tests sign with."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

import boto3
import requests

ADMIN_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Identity:
    name: str
    access_key: str
    secret_key: str


class MotoServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["MOTO_PORT"] = str(self.port)
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/moto-api/", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto server did not start")

    def enforce(self, on: bool) -> None:
        requests.post(self.url + "/moto-api/reset-auth", data=b"0" if on else b"inf", timeout=5).raise_for_status()

    def client(self, service: str, identity: Identity | None = None):  # type: ignore[no-untyped-def]
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=identity.access_key if identity else "testing",
            aws_secret_access_key=identity.secret_key if identity else "testing",
        )

    def create_user(self, name: str, policy: dict) -> Identity:
        """Create an IAM user with an inline policy and an access key (enforcement must be off)."""
        iam = self.client("iam")
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName=f"{name}-policy", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return Identity(name, key["AccessKeyId"], key["SecretAccessKey"])

    def stop(self) -> None:
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()


# --- credential endpoints of our own, on loopback ------------------------------------

import threading  # noqa: E402
import xml.sax.saxutils  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402
from urllib.parse import parse_qs  # noqa: E402

S3_ON_ALLOWED_BUCKETS = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::allowed-*", "arn:aws:s3:::allowed-*/*"]},
        {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
    ],
}


def trust_policy(provider_arn: str = "arn:aws:iam::123456789012:oidc-provider/oidc.example") -> dict:
    # moto evaluates trust only through Principal.AWS (see shared/spec/local-servers.md), so "*" stands beside
    # the Federated principal a real IRSA role would have.
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*", "Federated": provider_arn},
                       "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]}],
    }


def create_role(server: MotoServer, name: str, policy: dict) -> str:
    """A role with an inline policy (enforcement must be off); returns its ARN."""
    iam = server.client("iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust_policy()))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName=f"{name}-policy", PolicyDocument=json.dumps(policy))
    return arn


def assume(server: MotoServer, admin: Identity, role_arn: str, session: str) -> dict:
    answer = server.client("sts", admin).assume_role(RoleArn=role_arn, RoleSessionName=session)
    return answer["Credentials"]


class LoopbackServer:
    """A ThreadingHTTPServer on 127.0.0.1 with a request counter, stopped by ``stop()``."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.calls: dict[str, int] = {}
        self.lock = threading.Lock()
        handler.owner = self  # type: ignore[attr-defined]
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def count(self, what: str) -> None:
        with self.lock:
            self.calls[what] = self.calls.get(what, 0) + 1

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def reply(self, status: int, body: bytes, content_type: str = "text/xml") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def relay(handler: BaseHTTPRequestHandler, url: str, body: bytes) -> None:
    """Send the handler's request on to ``url`` unchanged (signatures stay valid) and pass the answer back."""
    headers = {k: v for k, v in handler.headers.items()
               if k.lower() not in ("content-length", "proxy-connection", "connection")}
    answer = requests.request(handler.command, url, data=body or None, headers=headers, timeout=60,
                              allow_redirects=False, proxies={"http": "", "https": ""})
    handler.send_response(answer.status_code)
    for name, value in answer.headers.items():
        if name.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
            handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(answer.content)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(answer.content)


def sts_error(code: str, message: str) -> bytes:
    return (f'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
            f"<Code>{code}</Code><Message>{xml.sax.saxutils.escape(message)}</Message></Error>"
            "<RequestId>test</RequestId></ErrorResponse>").encode()


class StsFront(LoopbackServer):
    """STS on loopback: answers AssumeRoleWithWebIdentity itself (checking the token) with credentials
    from moto's AssumeRole, and relays signed calls (AssumeRole, GetCallerIdentity) to moto unchanged.

    moto cannot serve an unsigned AssumeRoleWithWebIdentity while enforcing signatures, hence this front.
    """

    def __init__(self, moto: MotoServer, admin: Identity, tokens: set[str]) -> None:
        self.moto = moto
        self.admin = admin
        self.tokens = tokens
        front = self

        class Handler(_Quiet):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                action = form.get("Action", "")
                front.count(action)
                if action == "AssumeRoleWithWebIdentity":
                    if form.get("WebIdentityToken") not in front.tokens:
                        self.reply(400, sts_error("InvalidIdentityToken", "Couldn't retrieve verification key "
                                                  "from your identity provider"))
                        return
                    try:
                        creds = assume(front.moto, front.admin, form["RoleArn"], form["RoleSessionName"])
                    except Exception as failed:  # noqa: BLE001 - reported to the client as STS would
                        self.reply(403, sts_error("AccessDenied", str(failed)))
                        return
                    self.reply(200, web_identity_response(creds, form["RoleArn"], form["RoleSessionName"]))
                    return
                relay(self, front.moto.url + self.path, body)

        super().__init__(Handler)


def web_identity_response(creds: dict, role_arn: str, session: str) -> bytes:
    expiry = creds["Expiration"]
    if isinstance(expiry, datetime):
        expiry = expiry.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    account = role_arn.split(":")[4]
    role = role_arn.split("/")[-1]
    return (
        '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        "<AssumeRoleWithWebIdentityResult>"
        f"<Credentials><AccessKeyId>{creds['AccessKeyId']}</AccessKeyId>"
        f"<SecretAccessKey>{creds['SecretAccessKey']}</SecretAccessKey>"
        f"<SessionToken>{xml.sax.saxutils.escape(creds['SessionToken'])}</SessionToken>"
        f"<Expiration>{expiry}</Expiration></Credentials>"
        f"<AssumedRoleUser><Arn>arn:aws:sts::{account}:assumed-role/{role}/{session}</Arn>"
        f"<AssumedRoleId>AROATEST:{session}</AssumedRoleId></AssumedRoleUser>"
        "<SubjectFromWebIdentityToken>system:serviceaccount:backup:s3cmd</SubjectFromWebIdentityToken>"
        "</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>test</RequestId></ResponseMetadata>"
        "</AssumeRoleWithWebIdentityResponse>"
    ).encode()


def _json_creds(creds: dict) -> bytes:
    expiry = creds["Expiration"]
    if isinstance(expiry, datetime):
        expiry = expiry.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.123456789Z")
    return json.dumps({"AccessKeyId": creds["AccessKeyId"], "SecretAccessKey": creds["SecretAccessKey"],
                       "Token": creds["SessionToken"], "AccountId": "123456789012", "Expiration": expiry}).encode()


class PodIdentityAgent(LoopbackServer):
    """The EKS Pod Identity agent's contract: GET /v1/credentials with the pod's token in Authorization."""

    def __init__(self, moto: MotoServer, admin: Identity, role_arn: str, token: str) -> None:
        agent = self

        class Handler(_Quiet):
            def do_GET(self) -> None:  # noqa: N802
                agent.count("credentials")
                if self.path != "/v1/credentials":
                    self.reply(404, b'{"code":"NotFound","message":"no such path"}', "application/json")
                    return
                if self.headers.get("Authorization") != token:
                    self.reply(403, b'{"code":"AccessDeniedException","message":"Token is not valid"}',
                               "application/json")
                    return
                self.reply(200, _json_creds(assume(moto, admin, role_arn, "pod-identity")), "application/json")

        super().__init__(Handler)


class InstanceMetadata(LoopbackServer):
    """IMDSv2: a session token from PUT /latest/api/token is required for every GET."""

    TOKEN = "imds-session-token-0123456789"

    def __init__(self, moto: MotoServer, admin: Identity, role_arn: str, *, refuse_token: bool = False) -> None:
        imds = self
        role = role_arn.split("/")[-1]

        class Handler(_Quiet):
            def do_PUT(self) -> None:  # noqa: N802
                imds.count("token")
                if refuse_token or self.path != "/latest/api/token" or \
                        not self.headers.get("x-aws-ec2-metadata-token-ttl-seconds"):
                    self.reply(403, b"Forbidden", "text/plain")
                    return
                self.reply(200, InstanceMetadata.TOKEN.encode(), "text/plain")

            def do_GET(self) -> None:  # noqa: N802
                imds.count("get")
                if self.headers.get("x-aws-ec2-metadata-token") != InstanceMetadata.TOKEN:
                    self.reply(401, b"Unauthorized", "text/plain")
                    return
                base = "/latest/meta-data/iam/security-credentials/"
                if self.path == base:
                    self.reply(200, role.encode(), "text/plain")
                elif self.path == base + role:
                    creds = json.loads(_json_creds(assume(moto, admin, role_arn, "instance")))
                    creds.update(Code="Success", Type="AWS-HMAC", LastUpdated="2026-01-01T00:00:00Z")
                    self.reply(200, json.dumps(creds).encode(), "application/json")
                else:
                    self.reply(404, b"Not Found", "text/plain")

        super().__init__(Handler)


class ExpiringS3Front(LoopbackServer):
    """Relays S3 requests to moto unchanged, except that the ``expire_at``-th UploadPart is answered
    with ``ExpiredToken``, as S3 does when temporary credentials run out in the middle of a transfer."""

    def __init__(self, moto: MotoServer, *, expire_at: int) -> None:
        front = self
        self.rejected_keys: list[str] = []

        class Handler(_Quiet):
            def _relay(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
                if "partNumber=" in self.path and self.command == "PUT":
                    front.count("UploadPart")
                    if front.calls["UploadPart"] == expire_at:
                        auth = self.headers.get("Authorization", "")
                        front.rejected_keys.append(auth.split("Credential=")[1].split("/")[0])
                        self.reply(400, b"<Error><Code>ExpiredToken</Code><Message>The provided token has "
                                        b"expired.</Message></Error>", "application/xml")
                        return
                relay(self, moto.url + self.path, body)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _relay  # noqa: N815

        super().__init__(Handler)


class ForwardProxy(LoopbackServer):
    """A plain-HTTP forward proxy (absolute-form requests), counting what passes through it."""

    def __init__(self) -> None:
        proxy = self
        self.targets: list[str] = []

        class Handler(_Quiet):
            def _forward(self) -> None:
                with proxy.lock:
                    proxy.targets.append(self.path)
                relay(self, self.path, self.rfile.read(int(self.headers.get("Content-Length", "0") or 0)))

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward  # noqa: N815

        super().__init__(Handler)
