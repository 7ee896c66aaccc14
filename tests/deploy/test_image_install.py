"""The image's install path, reproduced here: build the wheel, install it into a fresh
virtualenv, then run the backup CronJob's own command with the environment, user,
group, fsGroup and HOME taken from the manifests — against moto, with the IRSA token
where the EKS webhook puts it (under a temporary root) and readable only through
fsGroup, as the kubelet mounts it. Manifest and code cannot drift apart."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import assert_run_shows_no_secret
from tests.kustomize import build
from tests.servers import StsFront, create_role

ROOT = Path(__file__).resolve().parents[2]
WEBHOOK_TOKEN_PATH = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"
TOKEN = "eyJ.image-install-path-token.sig"

pytestmark = pytest.mark.e2e


def open_up(path: Path) -> None:
    """Let the pod's uid traverse pytest's (root-only) temporary directories down to ``path``."""
    for directory in [path, *path.parents]:
        if directory == Path(directory.anchor) or str(directory) in ("/tmp", os.path.realpath("/tmp")):
            break
        if directory.stat().st_uid == os.geteuid():
            os.chmod(directory, directory.stat().st_mode | 0o755)


def interpreter_for_everyone() -> str:
    """A Python the pod's uid may run: ours unless it lives under a private home (pyenv in /root)."""
    candidates = [sys.executable, "/usr/bin/python3"]
    for candidate in candidates:
        real = Path(os.path.realpath(candidate))
        if real.exists() and all(p.stat().st_mode & 0o001 for p in real.parents if p != Path("/")):
            return candidate
    pytest.skip("no Python interpreter here that a non-root user may run")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("image")
    wheels = work / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, cwd=work)
    venv = work / "venv"
    python = interpreter_for_everyone() if os.geteuid() == 0 else sys.executable
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    wheel = next(wheels.glob("*.whl"))
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], check=True)
    if os.geteuid() == 0:
        open_up(venv)
    return venv / "bin" / "s3cmd"


def test_wheel_installs_and_runs(installed: Path) -> None:
    done = subprocess.run([str(installed), "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("s3cmd version ")


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to the manifest's uid/gid needs root")
@pytest.mark.parametrize("cronjob", ["s3cmd-backup", "s3cmd-sync"])
def test_cronjob_command_with_manifest_settings(installed: Path, tmp_path: Path, moto_server, identities,  # type: ignore[no-untyped-def]
                                                cronjob: str) -> None:
    documents = build(ROOT / "k8s" / "base")
    cron = next(d for d in documents if d["kind"] == "CronJob" and d["metadata"]["name"] == cronjob)
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"]}
    context = pod["securityContext"]
    uid, gid, fs_group = context["runAsUser"], context["runAsGroup"], context["fsGroup"]
    service_account = next(d for d in documents if d["kind"] == "ServiceAccount")
    role_name = service_account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"].split("/")[-1]
    bucket = env["BACKUP_BUCKET"]
    s3cfg = next(d for d in documents if d["kind"] == "ConfigMap")["data"]["s3cfg"]

    moto_server.enforce(False)
    try:
        try:  # one role and bucket for both CronJobs (the moto server lives for the session)
            role_arn = moto_server.client("iam").get_role(RoleName=role_name)["Role"]["Arn"]
        except moto_server.client("iam").exceptions.NoSuchEntityException:
            role_arn = create_role(moto_server, role_name, {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:*",
                               "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}],
            })
        s3 = moto_server.client("s3", identities["admin"])
        if bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
            s3.create_bucket(Bucket=bucket)
    finally:
        moto_server.enforce(True)
    front = StsFront(moto_server, identities["admin"], {TOKEN})
    try:
        fake_root = tmp_path / "root"
        # the emptyDir HOME and /tmp, owned by nobody in particular but writable by the pod's user
        home = fake_root / env["HOME"].lstrip("/")
        home.mkdir(parents=True)
        os.chown(home, uid, gid)
        # the ConfigMap, mounted read-only, with the endpoint pointed at the local server
        config = fake_root / env["S3CMD_CONFIG"].lstrip("/")
        config.parent.mkdir(parents=True)
        host = moto_server.url.split("//", 1)[1]
        config.write_text(s3cfg + f"host_base = {host}\nhost_bucket = {host}\nuse_https = False\n")
        # the projected token as the kubelet writes it with fsGroup: root-owned, group-readable only
        token = fake_root / WEBHOOK_TOKEN_PATH.lstrip("/")
        token.parent.mkdir(parents=True)
        token.write_text(TOKEN)
        os.chown(token, 0, fs_group)
        os.chmod(token, 0o640)
        for directory in [fake_root, *fake_root.rglob("*")]:
            if directory.is_dir() and directory != home:
                os.chmod(directory, 0o755)
        data = tmp_path / "data"
        data.mkdir()
        (data / "db.dump").write_bytes(os.urandom(200_000))
        (data / "old.log").write_bytes(b"rotated away before the next run\n")
        open_up(tmp_path)

        script = container["command"][-1].replace("-C /data ", f"-C {data} ").replace(" /data/ ", f" {data}/ ")
        run_env = {
            "PATH": f"{installed.parent}:/usr/bin:/bin",
            **env,
            "HOME": str(home),
            "S3CMD_CONFIG": str(config),
            # what the EKS webhook adds for an annotated ServiceAccount (+ the local STS)
            "AWS_ROLE_ARN": role_arn,
            "AWS_WEB_IDENTITY_TOKEN_FILE": str(token),
            "AWS_STS_REGIONAL_ENDPOINTS": "regional",
            "AWS_ENDPOINT_URL_STS": front.url,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

        def as_pod_user() -> None:
            os.setgroups([fs_group])
            os.setgid(gid)
            os.setuid(uid)

        bash = shutil.which("bash") or "/bin/bash"
        def guarded(done: subprocess.CompletedProcess[str], args: list[str]) -> subprocess.CompletedProcess[str]:
            assert_run_shows_no_secret(done.stdout, done.stderr, args=args, env=run_env, configs=[config],
                                       rc=done.returncode)
            return done

        done = guarded(subprocess.run([bash, "-c", script], env=run_env, capture_output=True, text=True, timeout=120,
                                      preexec_fn=as_pod_user, cwd=str(home)), script.split())
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"assumed-role/{role_name}/" in done.stdout
        assert front.calls.get("AssumeRoleWithWebIdentity") == 1
        assert TOKEN not in done.stdout + done.stderr
        if cronjob == "s3cmd-backup":
            assert f"-> 's3://{bucket}/data/" in done.stdout
        else:
            assert f"-> 's3://{bucket}/mirror/db.dump'" in done.stdout
            mirror = {o["Key"] for o in s3.list_objects(Bucket=bucket, Prefix="mirror/").get("Contents", [])}
            assert mirror == {"mirror/db.dump", "mirror/old.log"}
            # the next night: nothing changed but a rotated log; only its deletion happens
            (data / "old.log").unlink()
            again = guarded(subprocess.run([bash, "-c", script], env=run_env, capture_output=True, text=True,
                                           timeout=120, preexec_fn=as_pod_user, cwd=str(home)), script.split())
            assert again.returncode == 0, again.stdout + again.stderr
            assert "upload:" not in again.stdout and f"delete: 's3://{bucket}/mirror/old.log'" in again.stdout
            mirror = {o["Key"] for o in s3.list_objects(Bucket=bucket, Prefix="mirror/").get("Contents", [])}
            assert mirror == {"mirror/db.dump"}

        # without fsGroup the token is root's alone (as kubelets before 1.19 left it): the same user
        # cannot read it, and is told how to fix it
        os.chown(token, 0, 0)
        os.chmod(token, 0o600)
        shutil.rmtree(home / ".cache", ignore_errors=True)
        denied = guarded(subprocess.run([str(installed), "ls"], env=run_env, capture_output=True, text=True,
                                        timeout=60, preexec_fn=as_pod_user, cwd=str(home)), ["ls"])
        assert denied.returncode == 78
        assert "permission denied; run the pod with securityContext.fsGroup" in denied.stderr
    finally:
        front.stop()
