"""The Dockerfile, parsed: pinned Alpine base, multi-stage, non-root user matching the
manifests, ENTRYPOINT s3cmd, and nothing secret in it or in the build context."""

from __future__ import annotations

import re
from pathlib import Path

from dockerfile_parse import DockerfileParser

from tests.kustomize import build

ROOT = Path(__file__).resolve().parents[2]


def parsed() -> DockerfileParser:
    parser = DockerfileParser(fileobj=open(ROOT / "Dockerfile", "rb"))  # noqa: SIM115 - the parser reads it now
    return parser


def instructions(kind: str) -> list[str]:
    return [i["value"] for i in parsed().structure if i["instruction"] == kind]


def test_multi_stage_on_a_pinned_alpine_python() -> None:
    froms = instructions("FROM")
    assert len(froms) >= 2, "build and runtime stages"
    for base in froms:
        image = base.split()[0]
        assert re.fullmatch(r"python:3\.\d+\.\d+-alpine3\.\d+", image), f"{image} is not a pinned python alpine tag"
    assert "--from=build" in " ".join(instructions("COPY"))


def test_runs_as_the_manifests_non_root_user() -> None:
    user = instructions("USER")[-1]
    uid, _, gid = user.partition(":")
    assert uid not in ("0", "root") and uid.isdigit()
    for document in build(ROOT / "k8s" / "base"):
        if document["kind"] in ("Deployment", "CronJob"):
            spec = document["spec"].get("template") or document["spec"]["jobTemplate"]["spec"]["template"]
            context = spec["spec"]["securityContext"]
            assert (str(context["runAsUser"]), str(context["runAsGroup"])) == (uid, gid)
    env = parsed().envs
    assert env["HOME"] == "/home/s3cmd"


def test_entrypoint_labels_and_no_secrets() -> None:
    parser = parsed()
    assert instructions("ENTRYPOINT") == ['["s3cmd"]'] and instructions("CMD") == ['["--help"]']
    assert {"org.opencontainers.image.title", "org.opencontainers.image.source"} <= set(parser.labels)
    for name in list(parser.envs) + list(parser.args):
        assert not re.search(r"SECRET|ACCESS_KEY|TOKEN|PASSWORD", name, re.I), name
    copied = " ".join(instructions("COPY") + instructions("ADD"))
    assert ".s3cfg" not in copied and ".aws" not in copied
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignore[1] == "*" or "*" in ignore
    assert "**/.s3cfg" in ignore and "**/.aws" in ignore
