"""The pure role-chain planner, driven by tests/cases/profile_chains.json; and the file parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from S3.credentials.errors import InvalidConfiguration
from S3.credentials.profile_files import parse
from S3.credentials.profile_plan import plan

CASES = json.loads((Path(__file__).parent.parent / "cases" / "profile_chains.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_plan(case: dict) -> None:
    if "error" in case:
        with pytest.raises(InvalidConfiguration) as caught:
            plan(case["profiles"], case["profile"])
        assert case["error"] in str(caught.value)
        return
    result = plan(case["profiles"], case["profile"])
    assert [result.base.kind, result.base.profile] == case["expect"]["base"]
    assert [step.role_arn for step in result.roles] == case["expect"]["roles"]


def test_files_merge_with_credentials_winning() -> None:
    config = "[default]\nregion = eu-west-1\n[profile dev]\nrole_arn = arn:aws:iam::1:role/d\nsource_profile = default\n" \
             "s3 =\n  max_concurrent_requests = 20\n[sso-session corp]\nsso_region = x\n"
    credentials = "[default]\naws_access_key_id = AKID\naws_secret_access_key = from-credentials\n"
    profiles = parse(config, credentials, config_path="config", credentials_path="credentials")
    assert profiles["default"] == {"region": "eu-west-1", "aws_access_key_id": "AKID",
                                   "aws_secret_access_key": "from-credentials"}
    assert profiles["dev"]["role_arn"] == "arn:aws:iam::1:role/d"
    assert "corp" not in profiles and "sso-session corp" not in profiles


def test_malformed_file_names_it() -> None:
    with pytest.raises(InvalidConfiguration, match="config is malformed"):
        parse("no section header\n", "", config_path="config", credentials_path="credentials")
