"""Process exit codes, with the names and values s3cmd scripts test for."""

EX_OK = 0
EX_GENERAL = 1
EX_PARTIAL = 2  # some parts of the command succeeded, others failed
EX_SERVERMOVED = 10  # 301 / 307
EX_SERVERERROR = 11  # 400, 405, 411, 416, 417, 501, 504
EX_NOTFOUND = 12  # 404
EX_CONFLICT = 13  # 409, e.g. bucket not empty
EX_PRECONDITION = 14  # 412
EX_SERVICE = 15  # 429 / 503: slow down, service unavailable
EX_USAGE = 64  # bad command line
EX_DATAERR = 65  # failed transfer
EX_SOFTWARE = 70  # internal error, or an S3 error of unknown kind
EX_OSERR = 71
EX_OSFILE = 72
EX_IOERR = 74  # local file I/O failed
EX_TEMPFAIL = 75  # temporary failure: retry later
EX_ACCESSDENIED = 77
EX_CONFIG = 78  # configuration or credentials problem
EX_CONNECTIONREFUSED = 111
_EX_SIGNAL = 128
_EX_SIGINT = 2
EX_BREAK = _EX_SIGNAL + _EX_SIGINT  # Ctrl-C


class ExitScoreboard:
    """Tallies per-item outcomes of a multi-file command into one exit code.

    All good: EX_OK. All failed: the code of the first failure. Mixed: EX_PARTIAL.
    """

    def __init__(self) -> None:
        self.succeeded = 0
        self.failed = 0
        self._first_failure = EX_OK

    def success(self) -> None:
        self.succeeded += 1

    def failure(self, code: int = EX_PARTIAL) -> None:
        if not self.failed:
            self._first_failure = code
        self.failed += 1

    def rc(self) -> int:
        if not self.failed:
            return EX_OK
        if self.succeeded:
            return EX_PARTIAL
        return self._first_failure
