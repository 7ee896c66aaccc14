"""Turn profiles into a plan, as pure data: a base source, then the roles to assume in order.

    [profile prod]                      plan(profiles, "prod") ==
    role_arn = arn:…:role/prod            ChainPlan(base=BaseSource("web_identity", profile="irsa", …),
    source_profile = irsa                           roles=(RoleStep("arn:…:role/prod", …),))
    [profile irsa]
    role_arn = arn:…:role/pod
    web_identity_token_file = /var/run/…/token

Rules (as the AWS CLI): a profile with ``role_arn`` and ``web_identity_token_file``
is a web identity base; ``role_arn`` needs exactly one of ``source_profile`` and
``credential_source``; a source profile that holds static keys ends the chain
with them (even if it also names a role); a profile may name itself as source
only when it holds static keys; any other repeat is a loop. No I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from S3.credentials.errors import InvalidConfiguration

SOURCE = "profile"
CREDENTIAL_SOURCES = {"environment": "Environment", "ec2instancemetadata": "Ec2InstanceMetadata",
                      "ecscontainer": "EcsContainer"}


@dataclass(frozen=True)
class RoleStep:
    role_arn: str
    profile: str
    session_name: str = ""
    external_id: str = ""
    duration_seconds: int | None = None


@dataclass(frozen=True)
class BaseSource:
    """Where the chain starts. ``kind``: static, web_identity, process or a credential_source name."""

    kind: str
    profile: str
    settings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ChainPlan:
    base: BaseSource
    roles: tuple[RoleStep, ...] = ()

    def describe(self) -> str:
        hops = " → ".join(step.role_arn for step in self.roles)
        return f"profile {self.base.profile} ({self.base.kind})" + (f" → {hops}" if hops else "")


def has_credentials(profile: Mapping[str, str]) -> bool:
    return any(k in profile for k in ("aws_access_key_id", "role_arn", "web_identity_token_file",
                                      "credential_process", "sso_start_url", "sso_session"))


def _role_step(name: str, profile: Mapping[str, str]) -> RoleStep:
    duration = None
    if profile.get("duration_seconds"):
        try:
            duration = int(profile["duration_seconds"])
        except ValueError:
            raise InvalidConfiguration(
                SOURCE, f"profile {name}: duration_seconds must be a number of seconds, not {profile['duration_seconds']!r}"
            ) from None
    return RoleStep(
        role_arn=profile["role_arn"],
        profile=name,
        session_name=profile.get("role_session_name", ""),
        external_id=profile.get("external_id", ""),
        duration_seconds=duration,
    )


def _static(name: str, profile: Mapping[str, str]) -> BaseSource:
    if not profile.get("aws_secret_access_key"):
        raise InvalidConfiguration(SOURCE, f"profile {name} has aws_access_key_id but no aws_secret_access_key")
    return BaseSource("static", name, dict(profile))


def plan(profiles: Mapping[str, Mapping[str, str]], name: str) -> ChainPlan:
    if name not in profiles:
        raise InvalidConfiguration(SOURCE, f"profile {name!r} is not defined in ~/.aws/config or ~/.aws/credentials")
    roles: list[RoleStep] = []
    visited: list[str] = []
    current = name
    while True:
        profile = profiles[current]
        if current in visited:
            raise InvalidConfiguration(SOURCE, f"source_profile loop: {' → '.join([*visited, current])}")
        visited.append(current)
        first = len(visited) == 1
        if not first and "aws_access_key_id" in profile:
            base = _static(current, profile)  # static keys end the chain after the first hop
            break
        if "role_arn" in profile:
            if "web_identity_token_file" in profile:
                base = BaseSource("web_identity", current, dict(profile))
                break
            has_source, has_named = "source_profile" in profile, "credential_source" in profile
            if has_source and has_named:
                raise InvalidConfiguration(
                    SOURCE, f"profile {current} sets both source_profile and credential_source; keep one"
                )
            if not has_source and not has_named:
                raise InvalidConfiguration(
                    SOURCE, f"profile {current} has role_arn but neither source_profile nor credential_source"
                )
            if profile.get("mfa_serial"):
                raise InvalidConfiguration(
                    SOURCE, f"profile {current} requires MFA (mfa_serial), which a non-interactive s3cmd cannot "
                    "answer; use a role without MFA for automation",
                )
            roles.append(_role_step(current, profile))
            if has_named:
                kind = CREDENTIAL_SOURCES.get(profile["credential_source"].strip().lower())
                if kind is None:
                    raise InvalidConfiguration(
                        SOURCE, f"profile {current}: credential_source {profile['credential_source']!r} is not one "
                        "of Environment, Ec2InstanceMetadata, EcsContainer",
                    )
                base = BaseSource(kind, current)
                break
            source = profile["source_profile"].strip()
            if source == current:
                if "aws_access_key_id" not in profile:
                    raise InvalidConfiguration(SOURCE, f"profile {current} names itself as source_profile but has no keys")
                base = _static(current, profile)
                break
            if source not in profiles:
                raise InvalidConfiguration(
                    SOURCE, f"source_profile {source!r} (named by profile {current}) is not defined"
                )
            current = source
            continue
        if "aws_access_key_id" in profile:
            base = _static(current, profile)
            break
        if "credential_process" in profile:
            base = BaseSource("process", current, dict(profile))
            break
        if "sso_start_url" in profile or "sso_session" in profile:
            raise InvalidConfiguration(
                SOURCE, f"profile {current} uses IAM Identity Center (SSO), which s3cmd does not support; "
                "export credentials with 'aws configure export-credentials' into a credential_process profile",
            )
        raise InvalidConfiguration(SOURCE, f"profile {current} holds no credentials, role or credential_process")
    return ChainPlan(base, tuple(reversed(roles)))
