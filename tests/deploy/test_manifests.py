"""k8s/: base and every overlay assembled offline, validated against the Kubernetes
schemas, and checked for the security settings that make IRSA work for non-root pods.
iam/: every document is valid JSON with placeholders a reader recognises."""

from __future__ import annotations

import json
from pathlib import Path

import kubernetes_validate
import pytest

from tests.kustomize import apply_patch, build

ROOT = Path(__file__).resolve().parents[2]
K8S_VERSION = "1.33.0"
LAYOUTS = ["base", "overlays/pod-identity", "overlays/cross-account"]


def workloads(documents: list[dict]) -> list[tuple[dict, dict]]:
    """(workload, pod spec) for every Deployment and CronJob."""
    found = []
    for doc in documents:
        if doc["kind"] == "Deployment":
            found.append((doc, doc["spec"]["template"]["spec"]))
        elif doc["kind"] == "CronJob":
            found.append((doc, doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]))
    return found


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_manifest_is_valid_for_kubernetes(layout: str) -> None:
    documents = build(ROOT / "k8s" / layout)
    assert {d["kind"] for d in documents} >= {"ServiceAccount", "Deployment", "CronJob", "ConfigMap"}
    for document in documents:
        kubernetes_validate.validate(document, K8S_VERSION, strict=True)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_pods_run_non_root_read_only_with_a_readable_token(layout: str) -> None:
    for workload, pod in workloads(build(ROOT / "k8s" / layout)):
        context = pod["securityContext"]
        assert context["runAsNonRoot"] is True and context["runAsUser"] == 10001
        assert context["fsGroup"] == 10001, "without fsGroup a non-root pod cannot read the projected token"
        assert context["seccompProfile"]["type"] == "RuntimeDefault"
        assert pod["serviceAccountName"] == "s3cmd"
        mounts = {v["name"]: v for v in pod["volumes"]}
        for container in pod["containers"]:
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True
            assert security["allowPrivilegeEscalation"] is False
            assert security["capabilities"]["drop"] == ["ALL"]
            assert container["resources"]["requests"] and container["resources"]["limits"]
            env = {e["name"]: e.get("value") for e in container["env"]}
            home = env["HOME"]
            home_mount = next(m for m in container["volumeMounts"] if m["mountPath"] == home)
            assert "emptyDir" in mounts[home_mount["name"]], "HOME must be writable under a read-only root"
            assert not any(word in name for name in env for word in ("SECRET", "ACCESS_KEY", "SESSION_TOKEN")), \
                f"{workload['metadata']['name']}: no credentials in the environment"


def _cronjob(name: str) -> dict:
    return next(d for d in build(ROOT / "k8s" / "base") if d["kind"] == "CronJob" and d["metadata"]["name"] == name)


def test_sync_cronjob_mirrors_the_volume_and_deletes_only_after_uploads() -> None:
    cron = _cronjob("s3cmd-sync")
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    script = pod["containers"][0]["command"][-1]
    assert "s3cmd sync" in script and "--delete-removed" in script and "--delete-after" in script
    assert " /data/ " in script, "with the trailing '/' the volume's content (not a 'data/' folder) is mirrored"
    volume = next(v for v in pod["volumes"] if v["name"] == "data")
    assert volume["persistentVolumeClaim"]["readOnly"] is True


def test_cronjob_is_a_safe_backup_job() -> None:
    cron = _cronjob("s3cmd-backup")
    assert cron["apiVersion"] == "batch/v1"
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    job = cron["spec"]["jobTemplate"]["spec"]
    assert job["activeDeadlineSeconds"] > 0 and job["backoffLimit"] >= 1
    script = job["template"]["spec"]["containers"][0]["command"][-1]
    assert "pipefail" in script and "s3cmd put -" in script


def test_irsa_annotations_and_their_removal_for_pod_identity() -> None:
    base = next(d for d in build(ROOT / "k8s" / "base") if d["kind"] == "ServiceAccount")
    assert base["metadata"]["annotations"]["eks.amazonaws.com/role-arn"].startswith("arn:aws:iam::111122223333:role/")
    assert base["metadata"]["annotations"]["eks.amazonaws.com/sts-regional-endpoints"] == "true"
    pod_identity = next(d for d in build(ROOT / "k8s" / "overlays" / "pod-identity") if d["kind"] == "ServiceAccount")
    assert "annotations" not in pod_identity["metadata"]


def test_cross_account_overlay_mounts_the_profile_chain() -> None:
    documents = build(ROOT / "k8s" / "overlays" / "cross-account")
    config = next(d for d in documents if d["metadata"]["name"] == "s3cmd-aws-config")["data"]["config"]
    assert "source_profile = pod" in config and "444455556666" in config
    for _, pod in workloads(documents):
        env = {e["name"]: e.get("value") for e in pod["containers"][0]["env"]}
        assert env["AWS_PROFILE"] == "target" and env["AWS_CONFIG_FILE"] == "/etc/aws/config"
        assert any(v["name"] == "aws-config" for v in pod["volumes"])


def test_configmap_holds_no_credentials() -> None:
    for layout in LAYOUTS:
        for doc in build(ROOT / "k8s" / layout):
            if doc["kind"] == "ConfigMap":
                text = json.dumps(doc["data"]).lower()
                for key in ("access_key", "secret_key", "access_token", "aws_secret_access_key", "aws_session_token"):
                    assert key not in text, f"{doc['metadata']['name']} holds {key}"


def test_patch_engine_rejects_what_it_does_not_know() -> None:
    with pytest.raises(ValueError):
        apply_patch({"a": 1}, [{"op": "move", "path": "/a"}])
    with pytest.raises(KeyError):
        apply_patch({"a": 1}, [{"op": "replace", "path": "/b", "value": 2}])


@pytest.mark.parametrize("document", sorted((ROOT / "iam").rglob("*.json")), ids=lambda p: p.name)
def test_iam_documents_parse(document: Path) -> None:
    policy = json.loads(document.read_text())
    assert policy["Version"] == "2012-10-17"
    for statement in policy["Statement"]:
        assert statement["Effect"] in ("Allow", "Deny") and ("Action" in statement)
    text = document.read_text()
    assert "111122223333" in text or "444455556666" in text or "example-" in text or "Resource\": \"*" in text


def test_irsa_trust_policy_pins_sub_and_aud() -> None:
    trust = json.loads((ROOT / "iam" / "irsa-trust-policy.json").read_text())
    condition = trust["Statement"][0]["Condition"]["StringEquals"]
    assert any(k.endswith(":sub") and v == "system:serviceaccount:backup:s3cmd" for k, v in condition.items())
    assert any(k.endswith(":aud") and v == "sts.amazonaws.com" for k, v in condition.items())


def test_render_fills_every_placeholder(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "rendered"
    done = subprocess.run([sys.executable, str(ROOT / "iam" / "render.py"), "--account-id", "123456789012",
                           "--bucket-account-id", "210987654321", "--region", "ap-southeast-2",
                           "--oidc-id", "0123456789ABCDEF0123456789ABCDEF", "--namespace", "ops",
                           "--rw-bucket", "acme-backups", "--ro-bucket", "acme-reports", "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = "".join(p.read_text() for p in out.rglob("*") if p.is_file())
    for placeholder in ("111122223333", "444455556666", "EXAMPLED539", "example-backups-rw", "eu-west-1"):
        assert placeholder not in text
    assert "system:serviceaccount:ops:s3cmd" in text and "namespace: ops" in text
    for document in build(out / "k8s" / "overlays" / "cross-account"):
        kubernetes_validate.validate(document, K8S_VERSION, strict=True)
