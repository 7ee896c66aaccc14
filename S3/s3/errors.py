"""S3 error answers, parsed once, with s3cmd's exit code for each HTTP status."""

from __future__ import annotations

from S3 import ExitCodes
from S3.errors import S3cmdError
from S3.s3.xml import HTML_ANSWER, MalformedAnswer, looks_like_html, parse_error
from S3.transport.http import Response

_BY_STATUS = {
    301: ExitCodes.EX_SERVERMOVED,
    307: ExitCodes.EX_SERVERMOVED,
    403: ExitCodes.EX_ACCESSDENIED,
    404: ExitCodes.EX_NOTFOUND,
    409: ExitCodes.EX_CONFLICT,
    412: ExitCodes.EX_PRECONDITION,
    429: ExitCodes.EX_SERVICE,
    503: ExitCodes.EX_SERVICE,
}
_SERVER_ERROR = frozenset({400, 405, 411, 416, 417, 501, 504})
# An expired or unknown key is a credentials problem even though S3 answers 400.
_ACCESS_CODES = frozenset({"ExpiredToken", "InvalidToken", "InvalidAccessKeyId", "SignatureDoesNotMatch"})


def exit_code_for(status: int, code: str = "") -> int:
    if code in _ACCESS_CODES:
        return ExitCodes.EX_ACCESSDENIED
    if status in _SERVER_ERROR:
        return ExitCodes.EX_SERVERERROR
    return _BY_STATUS.get(status, ExitCodes.EX_SOFTWARE)


# A HEAD answer never has a body, so its error is named as S3 names it in the body of the
# same request made with GET (callers test ``code == "NoSuchKey"``). Any other bodiless
# error keeps the HTTP reason, as upstream prints it ("404 (Not Found)"): a bare 404 from
# a wrong endpoint or a proxy is not evidence that a bucket is missing.
_BODILESS = {
    (404, True): ("NoSuchKey", "The specified key does not exist."),
    (404, False): ("NoSuchBucket", "The specified bucket does not exist"),
    (403, True): ("AccessDenied", "Access Denied"),
    (403, False): ("AccessDenied", "Access Denied"),
}


class S3Error(S3cmdError):
    """S3 answered with an error: ``S3 error: 404 (NoSuchBucket): The specified bucket does not exist``."""

    prefix = "S3 error: "

    def __init__(self, *, status: int, reason: str = "", code: str = "", message: str = "", resource: str = "",
                 region: str = "") -> None:
        text = f"{status} ({code or reason})" + (f": {message}" if message else "")
        super().__init__(text)
        self.status = status
        self.reason = reason
        self.code = code
        self.error_message = message
        self.resource = resource
        self.region = region
        self.exit_code = exit_code_for(status, code)

    @property
    def is_missing_key(self) -> bool:
        """The object does not exist (a bare 404 without a code counts, as s3cmd reads it)."""
        return self.status == 404 and self.code in ("NoSuchKey", "")

    @property
    def is_missing_bucket(self) -> bool:
        return self.status == 404 and self.code == "NoSuchBucket"

    @property
    def is_unsatisfiable_range(self) -> bool:
        """416: nothing at the asked offset (an empty object, or a file already complete)."""
        return self.status == 416

    @classmethod
    def from_answer(
        cls, *, status: int, reason: str, body: bytes, resource: str, region_header: str = "",
        object_request: bool = False, head: bool = False,
    ) -> S3Error:
        fields = parse_error(body)
        code, message = fields.get("Code", ""), fields.get("Message", "")
        if not code and head:
            code, message = _BODILESS.get((status, object_request), ("", ""))
        elif not code and looks_like_html(body):  # a proxy's or portal's error page, not S3's
            message = HTML_ANSWER
        return cls(
            status=status,
            reason=reason,
            code=code,
            message=message,
            resource=resource,
            region=region_header or fields.get("Region", ""),
        )


def refuse_web_page(answer: Response, *, object_content: bool) -> None:
    """Raise when a successful answer is a web page (a captive portal, a proxy's login page).

    Answers held whole (listings, PUT answers) are judged by their body: S3 never answers
    HTML. Object content may well be HTML, but S3 always sends an object with its ETag,
    which a portal's page lacks. A refused answer is closed (it may be a stream).
    """
    if object_content:
        html = answer.headers.get("Content-Type", "").split(";", 1)[0].strip().lower() in _HTML_TYPES
        if html and "ETag" not in answer.headers:
            answer.close()
            raise MalformedAnswer(
                "the endpoint answered an HTML page without an ETag, not an S3 object: "
                "a proxy or captive portal? check host_base / --host"
            )
    elif looks_like_html(answer.body):
        raise MalformedAnswer(HTML_ANSWER)


_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
