"""Redaction of URLs and headers for ``--debug``."""

from S3.output.log import REDACTED, redact_headers, redact_url


def test_presigned_url_keeps_all_but_the_secrets() -> None:
    url = ("https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1"
           "%2Fs3%2Faws4_request&X-Amz-Signature=0123abcd&X-Amz-Security-Token=IQoJb3%2Bx&uploads")
    shown = redact_url(url)
    assert "0123abcd" not in shown and "IQoJb3" not in shown
    assert f"X-Amz-Signature={REDACTED}" in shown and f"X-Amz-Security-Token={REDACTED}" in shown
    assert "X-Amz-Credential=AKID%2F20260101" in shown and shown.endswith("&uploads")


def test_authorization_keeps_algorithm_key_id_and_signed_headers() -> None:
    v4 = ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=" + "f" * 64)
    shown = redact_headers({"Authorization": v4, "X-Amz-Security-Token": "tok", "X-aws-ec2-metadata-token": "m"})
    assert shown["Authorization"] == v4.replace("f" * 64, REDACTED)
    assert shown["X-Amz-Security-Token"] == REDACTED and shown["X-aws-ec2-metadata-token"] == REDACTED
    assert redact_headers({"authorization": "AWS AKID:c2lnbmF0dXJl"}) == {"authorization": f"AWS AKID:{REDACTED}"}
    assert redact_headers({"Authorization": "a-bearer-token"}) == {"Authorization": REDACTED}
