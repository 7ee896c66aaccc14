"""STS endpoint resolution: a table of region, partition and environment cases."""

from __future__ import annotations

import pytest

from S3.sts.endpoints import resolve
from S3.sts.errors import StsConfigError

ARN = "arn:aws:iam::111122223333:role/r"


@pytest.mark.parametrize(
    ("region", "env", "configured", "url", "signing"),
    [
        ("", {}, "", "https://sts.amazonaws.com", "us-east-1"),
        ("eu-west-1", {}, "", "https://sts.eu-west-1.amazonaws.com", "eu-west-1"),
        ("eu-west-1", {"AWS_STS_REGIONAL_ENDPOINTS": "regional"}, "", "https://sts.eu-west-1.amazonaws.com", "eu-west-1"),
        ("eu-west-1", {"AWS_STS_REGIONAL_ENDPOINTS": "legacy"}, "", "https://sts.amazonaws.com", "us-east-1"),
        ("ap-east-1", {"AWS_STS_REGIONAL_ENDPOINTS": "legacy"}, "", "https://sts.ap-east-1.amazonaws.com", "ap-east-1"),
        ("aws-global", {}, "", "https://sts.amazonaws.com", "us-east-1"),
        ("cn-north-1", {}, "", "https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1"),
        ("cn-northwest-1", {"AWS_STS_REGIONAL_ENDPOINTS": "legacy"}, "", "https://sts.cn-northwest-1.amazonaws.com.cn",
         "cn-northwest-1"),
        ("us-gov-west-1", {}, "", "https://sts.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
        ("us-gov-west-1", {"AWS_USE_FIPS_ENDPOINT": "true"}, "", "https://sts.us-gov-west-1.amazonaws.com",
         "us-gov-west-1"),
        ("us-east-2", {"AWS_USE_FIPS_ENDPOINT": "true"}, "", "https://sts-fips.us-east-2.amazonaws.com", "us-east-2"),
        ("us-east-2", {"AWS_USE_DUALSTACK_ENDPOINT": "true"}, "", "https://sts.us-east-2.api.aws", "us-east-2"),
        ("cn-north-1", {"AWS_USE_DUALSTACK_ENDPOINT": "true"}, "",
         "https://sts.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1"),
        ("us-iso-east-1", {}, "", "https://sts.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"),
        ("eu-west-1", {"AWS_ENDPOINT_URL_STS": "https://vpce-1.sts.eu-west-1.vpce.amazonaws.com"}, "",
         "https://vpce-1.sts.eu-west-1.vpce.amazonaws.com", "eu-west-1"),
        ("eu-west-1", {"AWS_ENDPOINT_URL": "http://localhost:4566/"}, "", "http://localhost:4566", "eu-west-1"),
        ("", {"AWS_STS_ENDPOINT": "sts.ceph.local"}, "", "https://sts.ceph.local", "us-east-1"),
        ("", {}, "http://127.0.0.1:9000", "http://127.0.0.1:9000", "us-east-1"),
        ("eu-west-1", {"AWS_ENDPOINT_URL_STS": "https://a", "AWS_ENDPOINT_URL": "https://b"}, "https://c",
         "https://a", "eu-west-1"),
    ],
)
def test_resolution(region: str, env: dict[str, str], configured: str, url: str, signing: str) -> None:
    endpoint = resolve(region=region, env=env, configured=configured, role_arn=ARN)
    assert (endpoint.url, endpoint.region) == (url, signing)


@pytest.mark.parametrize(
    ("region", "env", "role_arn", "message"),
    [
        ("", {}, "arn:aws-cn:iam::111122223333:role/r", "aws-cn partition"),
        ("", {"AWS_USE_FIPS_ENDPOINT": "true"}, ARN, "with FIPS"),
        ("eu-west-1", {"AWS_STS_REGIONAL_ENDPOINTS": "sometimes"}, ARN, "'regional' or 'legacy'"),
        ("US", {}, ARN, "'US' is not an AWS region"),
        ("eu-west-1", {"AWS_USE_FIPS_ENDPOINT": "yes please"}, ARN, "must be true or false"),
    ],
)
def test_configuration_errors(region: str, env: dict[str, str], role_arn: str, message: str) -> None:
    with pytest.raises(StsConfigError, match=message) as caught:
        resolve(region=region, env=env, role_arn=role_arn)
    assert caught.value.exit_code == 78
