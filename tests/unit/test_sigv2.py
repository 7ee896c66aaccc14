"""SigV2 (``signature_v2 = True``): the AWS documentation example."""

from S3.signing import sigv2
from S3.signing.sigv4 import SigningKeys


def test_documentation_get_object_example() -> None:
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html (Object GET)
    text = sigv2.string_to_sign(
        method="GET",
        headers={"Date": "Tue, 27 Mar 2007 19:36:42 +0000"},
        resource=sigv2.canonical_resource("/photos/puppy.jpg", (), bucket_in_host="awsexamplebucket1"),
    )
    assert text == "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/awsexamplebucket1/photos/puppy.jpg"
    assert sigv2.signature("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", text) == "qgk2+6Sv9/oM7G3qLEjTH1a1l1g="


def test_subresources_are_signed_and_the_token_travels_in_the_query() -> None:
    resource = sigv2.canonical_resource("/b/k", [("uploadId", "u1"), ("prefix", "x"), ("acl", "")])
    assert resource == "/b/k?acl&uploadId=u1"
    query = sigv2.presign_query(resource="/b/k", keys=SigningKeys("AKID", "secret", "tok/en"), expires_epoch=1700000000)
    assert query.startswith("AWSAccessKeyId=AKID&Expires=1700000000&Signature=")
    assert query.endswith("&x-amz-security-token=tok%2Fen")
