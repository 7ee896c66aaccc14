"""Which STS endpoint to call, and which region signs for it.

Reads: ``AWS_ENDPOINT_URL_STS``, ``AWS_ENDPOINT_URL``, ``AWS_STS_ENDPOINT`` (s3cmd's
name) and the ``sts_endpoint`` config key, in that order, as explicit overrides;
``AWS_STS_REGIONAL_ENDPOINTS`` (``regional``, the default, or ``legacy``);
``AWS_USE_FIPS_ENDPOINT`` and ``AWS_USE_DUALSTACK_ENDPOINT``.

Regional whenever a region is known: an STS VPC endpoint in a private cluster
serves only the regional name, and non-commercial partitions have no global one.
The global ``sts.amazonaws.com`` is used only without a region, for the
``aws-global`` pseudo-region, or in ``legacy`` mode for the regions that had it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from S3.sts.errors import StsConfigError

GLOBAL_URL = "https://sts.amazonaws.com"
LEGACY_GLOBAL_REGIONS = frozenset(
    """ap-northeast-1 ap-south-1 ap-southeast-1 ap-southeast-2 aws-global ca-central-1 eu-central-1
    eu-north-1 eu-west-1 eu-west-2 eu-west-3 sa-east-1 us-east-1 us-east-2 us-west-1 us-west-2""".split()
)
# (region pattern, DNS suffix, dual-stack suffix, partition)
_PARTITIONS = (
    (re.compile(r"^cn-\w+-\d+$"), "amazonaws.com.cn", "api.amazonwebservices.com.cn", "aws-cn"),
    (re.compile(r"^us-gov-\w+-\d+$"), "amazonaws.com", "api.aws", "aws-us-gov"),
    (re.compile(r"^us-iso-\w+-\d+$"), "c2s.ic.gov", "", "aws-iso"),
    (re.compile(r"^us-isob-\w+-\d+$"), "sc2s.sgov.gov", "", "aws-iso-b"),
    (re.compile(r"^eu-isoe-\w+-\d+$"), "cloud.adc-e.uk", "", "aws-iso-e"),
    (re.compile(r"^us-isof-\w+-\d+$"), "csp.hci.ic.gov", "", "aws-iso-f"),
    (re.compile(r"^eusc-\w+-\d+$"), "amazonaws.eu", "", "aws-eusc"),
)
_REGION = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-\d+$")


@dataclass(frozen=True)
class StsEndpoint:
    url: str
    region: str  # the signing region

    def __str__(self) -> str:
        return self.url


def looks_like_region(value: str) -> bool:
    return bool(_REGION.match(value)) or value == "aws-global"


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in ("", "false"):
        return False
    if value == "true":
        return True
    raise StsConfigError(f"{name} must be true or false, not {value!r}")


def _suffixes(region: str) -> tuple[str, str]:
    for pattern, suffix, dualstack, _ in _PARTITIONS:
        if pattern.match(region):
            return suffix, dualstack
    return "amazonaws.com", "api.aws"


def partition_of_arn(arn: str) -> str:
    parts = arn.split(":")
    return parts[1] if len(parts) > 1 else "aws"


def resolve(*, region: str, env: Mapping[str, str], configured: str = "", role_arn: str = "") -> StsEndpoint:
    """The endpoint for ``region`` ("" when unknown) under the environment's settings."""
    mode = env.get("AWS_STS_REGIONAL_ENDPOINTS", "regional").strip().lower() or "regional"
    if mode not in ("regional", "legacy"):
        raise StsConfigError(f"AWS_STS_REGIONAL_ENDPOINTS must be 'regional' or 'legacy', not {mode!r}")
    override = (
        env.get("AWS_ENDPOINT_URL_STS") or env.get("AWS_ENDPOINT_URL") or env.get("AWS_STS_ENDPOINT") or configured
    ).strip()
    if override:
        url = override if "://" in override else f"https://{override}"
        return StsEndpoint(url.rstrip("/"), region or "us-east-1")
    fips = _flag(env, "AWS_USE_FIPS_ENDPOINT")
    dualstack = _flag(env, "AWS_USE_DUALSTACK_ENDPOINT")
    if not region:
        partition = partition_of_arn(role_arn) if role_arn else "aws"
        if partition != "aws" or fips:
            raise StsConfigError(
                f"no region is set, and the {partition} partition{' with FIPS' if fips else ''} has no global STS "
                "endpoint; set AWS_REGION (or AWS_DEFAULT_REGION, or region in the profile)",
            )
        return StsEndpoint(GLOBAL_URL, "us-east-1")
    if not looks_like_region(region):
        raise StsConfigError(f"{region!r} is not an AWS region name (AWS_REGION / AWS_DEFAULT_REGION)")
    if region == "aws-global" or (mode == "legacy" and region in LEGACY_GLOBAL_REGIONS and not (fips or dualstack)):
        return StsEndpoint(GLOBAL_URL, "us-east-1")
    suffix, dualstack_suffix = _suffixes(region)
    if dualstack:
        if not dualstack_suffix:
            raise StsConfigError(f"region {region} has no dual-stack STS endpoint")
        host = f"sts{'-fips' if fips else ''}.{region}.{dualstack_suffix}"
    elif fips and not region.startswith("us-gov-"):
        host = f"sts-fips.{region}.{suffix}"
    else:
        host = f"sts.{region}.{suffix}"  # in GovCloud the regional endpoint is the FIPS one
    return StsEndpoint(f"https://{host}", region)
