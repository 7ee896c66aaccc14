"""s3cmd's options, declared once. Parsing only: no side effects.

Options may stand before or after the command, as with s3cmd. An unknown
option or a bad value is an ``OptionError``: exit 2 as s3cmd's optparse exits, but one
``ERROR:`` line printed by ``raw_main`` (argparse never prints or exits itself), whose
message names the option, never the value given (it may be a secret passed to a
misspelt option: ``--secret-key SECRET``).
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from S3 import PkgInfo
from S3.errors import OptionError
from S3.settings.options import DEFAULTS

USAGE = "s3cmd [options] COMMAND [parameters]"
# setacl's --acl-grant/--acl-revoke
ACL_PERMISSIONS = ("read", "write", "read_acp", "write_acp", "full_control", "all")
ACL_SPEC_PROBLEM = "expects PERMISSION:GRANTEE, PERMISSION one of " + ", ".join(ACL_PERMISSIONS)


# argparse's "argument NAMES: DETAIL"; DETAIL may quote the value given (invalid int value: 'X').
_ARGUMENT_ERROR = re.compile(r"^argument (?P<names>[^:]+): (?P<detail>.*)$", re.DOTALL)
_DETAILS = (
    ("expected one argument", "expects a value"),
    ("invalid int value", "expects a whole number"),
    ("ignored explicit argument", "takes no value"),
    (ACL_SPEC_PROBLEM, ACL_SPEC_PROBLEM),
)
# What an option name looks like (s3cmd's long options are lower case): anything else is not
# echoed, as it may be a value (a secret key has upper case letters, digits, / and +).
_OPTION_NAME = re.compile(r"^(--[a-z][a-z0-9_-]{0,39}|-[A-Za-z0-9])$")


def _without_values(message: str) -> str:
    """argparse's message with option names only: a value may be a secret given to the wrong option."""
    parsed = _ARGUMENT_ERROR.match(message)
    if parsed:
        detail = parsed.group("detail")
        said = next((ours for theirs, ours in _DETAILS if detail.startswith(theirs)), "invalid value")
        return f"option {parsed.group('names')}: {said}"
    if message.startswith("ambiguous option:"):
        return "ambiguous option: " + message.split(":", 1)[1].split()[0].split("=", 1)[0]
    return message


def _unknown_option(extras: Sequence[str], argv: Sequence[str]) -> str:
    """``no such option: NAME`` for the first unknown option: never its value, nor the rest of the line."""
    first = next((arg for arg in extras if arg.startswith("-") and arg != "-"), extras[0])  # "-": stdin
    name = first.split("=", 1)[0]
    if not name.startswith("--"):
        name = name[:2]  # -xVALUE: a short option with its value attached
    if _OPTION_NAME.match(name):
        return f"no such option: {name}"
    position = list(argv).index(first) + 1 if first in argv else 0
    return f"no such option (argument {position})" if position else "unexpected argument"


_ACL_SPEC = re.compile(r"^(\w+):(.+)$", re.DOTALL)


def acl_spec(text: str) -> str:
    """``--acl-grant``/``--acl-revoke`` value: ``PERMISSION:GRANTEE`` (kept as given; the command splits it)."""
    parsed = _ACL_SPEC.match(text)
    if not parsed or parsed.group(1) not in ACL_PERMISSIONS:
        raise argparse.ArgumentTypeError(ACL_SPEC_PROBLEM)
    return text


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise OptionError(_without_values(message))


@functools.lru_cache(maxsize=1)
def _help_width() -> int:
    """argparse's width (the terminal's columns less 2), looked up once: argparse makes a formatter for
    each of our ~150 options as it adds it, and each asked for the terminal's size (an ioctl) and
    loaded ``shutil`` (with bz2 and lzma) to do it: ~3 ms of every command's start-up."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:  # as shutil.get_terminal_size: the variable, else the terminal, else 80
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns if columns > 0 else 80) - 2


class _Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, _help_width() if width is None else width)


def _flag(parser: argparse.ArgumentParser, *names: str, dest: str, value: object, help: str) -> None:
    parser.add_argument(*names, dest=dest, action="store_const", const=value, default=None, help=help)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="s3cmd", usage=USAGE, add_help=False, allow_abbrev=False, formatter_class=_Formatter,
                description="s3cmd-compatible S3 client with a modern AWS credential loader.")
    add = p.add_argument
    add("-h", "--help", action="store_true", help="show this help message and exit")
    add("--configure", action="store_true", help="Invoke interactive (re)configuration tool.")
    add("-c", "--config", metavar="FILE", help="Config file name. Defaults to $S3CMD_CONFIG or $HOME/.s3cfg")
    add("--dump-config", action="store_true", help="Dump current configuration (secrets masked) and exit.")
    add("--show-secrets", action="store_true", help="With --dump-config: print secrets instead of masking them.")
    add("--access_key", help="AWS Access Key")
    add("--secret_key", help="AWS Secret Key")
    add("--access_token", help="AWS Access Token")
    _flag(p, "-n", "--dry-run", dest="dry_run", value=True,
          help="Only show what should be uploaded or downloaded but don't actually do it. May still perform S3 "
               "requests to get bucket listings and other information though (only for file transfer commands)")
    _flag(p, "-s", "--ssl", dest="use_https", value=True,
          help="Use HTTPS connection when communicating with S3. (default)")
    _flag(p, "--no-ssl", dest="use_https", value=False, help="Don't use HTTPS.")
    _flag(p, "-f", "--force", dest="force", value=True, help="Force overwrite and other dangerous operations.")
    _flag(p, "--continue", dest="get_continue", value=True,
          help="Continue getting a partially downloaded file (only for [get] command).")
    _flag(p, "--skip-existing", dest="skip_existing", value=True,
          help="Skip over files that exist at the destination (only for [get] and [sync] commands).")
    _flag(p, "-r", "--recursive", dest="recursive", value=True, help="Recursive upload, download or removal.")
    _flag(p, "--check-md5", dest="check_md5", value=True,
          help="Check MD5 sums when comparing files for [sync]. (default)")
    _flag(p, "--no-check-md5", dest="check_md5", value=False,
          help="Do not check MD5 sums when comparing files for [sync]. Only size will be compared. May significantly "
               "speed up transfer but may also miss some changed files.")
    _flag(p, "-P", "--acl-public", dest="acl_public", value=True,
          help="Store objects with ACL allowing read for anyone.")
    _flag(p, "--acl-private", dest="acl_public", value=False,
          help="Store objects with default ACL allowing access for you only.")
    add("--max-delete", dest="max_delete", type=int, metavar="NUM",
        help="Do not delete more than NUM files. [del] and [sync]")
    add("--limit", dest="limit", type=int, metavar="NUM",
        help="Limit number of objects returned in the response body (only for [ls] and [la] commands)")
    _flag(p, "-p", "--preserve", dest="preserve_attrs", value=True,
          help="Preserve filesystem attributes (mode, ownership, timestamps). Default for [sync] command.")
    _flag(p, "--no-preserve", dest="preserve_attrs", value=False, help="Don't store FS attributes")
    add("--exclude", action="append", default=[], metavar="GLOB",
        help="Filenames and paths matching GLOB will be excluded from sync")
    add("--exclude-from", action="append", default=[], metavar="FILE", help="Read --exclude GLOBs from FILE")
    add("--rexclude", action="append", default=[], metavar="REGEXP",
        help="Filenames and paths matching REGEXP (regular expression) will be excluded from sync")
    add("--include", action="append", default=[], metavar="GLOB",
        help="Filenames and paths matching GLOB will be included even if previously excluded by one of "
             "--(r)exclude(-from) patterns")
    add("--include-from", action="append", default=[], metavar="FILE", help="Read --include GLOBs from FILE")
    add("--rinclude", action="append", default=[], metavar="REGEXP",
        help="Same as --include but uses REGEXP (regular expression) instead of GLOB")
    add("--region", "--bucket-location", dest="bucket_location", metavar="REGION",
        help="Region to create bucket in. As of now the regions are: us-east-1, us-west-1, us-west-2, eu-west-1, "
             "eu-central-1, ap-northeast-1, ap-southeast-1, ap-southeast-2, sa-east-1")
    add("--host", dest="host_base", metavar="HOSTNAME",
        help="HOSTNAME:PORT for S3 endpoint (default: s3.amazonaws.com, alternatives such as "
             "s3-eu-west-1.amazonaws.com). You should also set --host-bucket.")
    add("--host-bucket", dest="host_bucket",
        help="DNS-style bucket+hostname:port template for accessing a bucket (default: %%(bucket)s.s3.amazonaws.com)")
    _flag(p, "--reduced-redundancy", "--rr", dest="reduced_redundancy", value=True,
          help="Store object with 'Reduced redundancy'. Lower per-GB price. [put, cp, mv]")
    _flag(p, "--no-reduced-redundancy", "--no-rr", dest="reduced_redundancy", value=False,
          help="Store object without 'Reduced redundancy'. Higher per-GB price. [put, cp, mv]")
    add("--storage-class", dest="storage_class", metavar="CLASS",
        help="Store object with specified CLASS (STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER or "
             "DEEP_ARCHIVE). [put, cp, mv]")
    add("--default-mime-type", dest="default_mime_type",
        help="Default MIME-type for stored objects. Application default is binary/octet-stream.")
    _flag(p, "-M", "--guess-mime-type", dest="guess_mime_type", value=True,
          help="Guess MIME-type of files by their extension or mime magic. Fall back to default MIME-Type as "
               "specified by --default-mime-type option")
    _flag(p, "--no-guess-mime-type", dest="guess_mime_type", value=False,
          help="Don't guess MIME-type and use the default type instead.")
    _flag(p, "--no-mime-magic", dest="use_mime_magic", value=False,
          help="Don't use mime magic when guessing MIME-type.")
    add("-m", "--mime-type", dest="mime_type", metavar="MIME/TYPE",
        help="Force MIME-type. Override both --default-mime-type and --guess-mime-type.")
    add("--add-header", action="append", default=[], metavar="NAME:VALUE",
        help="Add a given HTTP header to the upload request. Can be used multiple times. For instance set 'Expires' "
             "or 'Cache-Control' headers (or both) using this option.")
    add("--remove-header", action="append", default=[], metavar="NAME",
        help="Remove a given HTTP header. Can be used multiple times. For instance, remove 'Expires' or "
             "'Cache-Control' headers (or both) using this option. [modify]")
    _flag(p, "--server-side-encryption", dest="server_side_encryption", value=True,
          help="Specifies that server-side encryption will be used when putting objects. [put, sync, cp, modify]")
    add("--server-side-encryption-kms-id", dest="kms_key", metavar="KMS_KEY",
        help="Specifies the key id used for server-side encryption with AWS KMS-Managed Keys (SSE-KMS) when putting "
             "objects. [put, sync, cp, modify]")
    _flag(p, "--disable-multipart", dest="enable_multipart", value=False,
          help="Disable multipart upload on files bigger than --multipart-chunk-size-mb")
    add("--multipart-chunk-size-mb", dest="multipart_chunk_size_mb", type=int, metavar="SIZE",
        help="Size of each chunk of a multipart upload. Files bigger than SIZE are automatically uploaded as "
             "multithreaded-multipart, smaller files are uploaded using the traditional method. SIZE is in "
             "Mega-Bytes, default chunk size is 15MB, minimum allowed chunk size is 5MB, maximum is 5GB.")
    _flag(p, "--list-md5", dest="list_md5", value=True,
          help="Include MD5 sums in bucket listings (only for 'ls' command).")
    _flag(p, "-H", "--human-readable-sizes", dest="human_readable_sizes", value=True,
          help="Print sizes in human readable form (eg 1kB instead of 1234).")
    _flag(p, "-l", "--long-listing", dest="long_listing", value=True, help="Produce long listing [ls]")
    _flag(p, "--progress", dest="progress_meter", value=True, help="Display progress meter (default on TTY).")
    _flag(p, "--no-progress", dest="progress_meter", value=False,
          help="Don't display progress meter (default on non-TTY).")
    _flag(p, "--stats", dest="stats", value=True, help="Give some file-transfer stats.")
    add("-v", "--verbose", action="store_true", help="Enable verbose output.")
    add("-d", "--debug", action="store_true", help="Enable debug output (secrets are redacted).")
    add("--version", action="store_true", help=f"Show s3cmd version ({PkgInfo.version}) and exit.")
    _flag(p, "-F", "--follow-symlinks", dest="follow_symlinks", value=True,
          help="Follow symbolic links as if they are regular files")
    add("--cache-file", dest="cache_file", metavar="FILE", help="Cache FILE containing local source MD5 values")
    add("-q", "--quiet", action="store_true", help="Silence output on stdout")
    add("--ca-certs", dest="ca_certs_file", metavar="CA_CERTS_FILE",
        help="Path to SSL CA certificate FILE (instead of system default)")
    add("--ssl-cert", dest="ssl_client_cert_file", metavar="FILE", help="Path to client own SSL certificate CRT_FILE")
    add("--ssl-key", dest="ssl_client_key_file", metavar="FILE",
        help="Path to client own SSL certificate private key KEY_FILE")
    _flag(p, "--check-certificate", dest="check_ssl_certificate", value=True, help="Check SSL certificate validity")
    _flag(p, "--no-check-certificate", dest="check_ssl_certificate", value=False,
          help="Do not check SSL certificate validity")
    _flag(p, "--check-hostname", dest="check_ssl_hostname", value=True, help="Check SSL certificate hostname validity")
    _flag(p, "--no-check-hostname", dest="check_ssl_hostname", value=False,
          help="Do not check SSL certificate hostname validity")
    _flag(p, "--signature-v2", dest="signature_v2", value=True,
          help="Use AWS Signature version 2 instead of newer signature methods. Helpful for S3-like systems that "
               "don't have AWS Signature v4 yet.")
    add("--limit-rate", dest="limitrate", metavar="LIMITRATE",
        help="Limit the upload or download speed to amount bytes per second. Amount may be expressed in bytes, "
             "kilobytes with the k suffix, or megabytes with the m suffix")
    _flag(p, "--no-connection-pooling", dest="connection_pooling", value=False, help="Disable connection reuse")
    _flag(p, "--requester-pays", dest="requester_pays", value=True, help="Set the REQUESTER PAYS flag for operations")
    _flag(p, "--stop-on-error", dest="stop_on_error", value=True, help="stop if error in transfer")
    add("--max-retries", dest="max_retries", type=int, metavar="NUM",
        help="Maximum number of times to retry a failed request before giving up. Default is 5")
    add("--content-disposition", dest="content_disposition",
        help="Provide a Content-Disposition for signed URLs, e.g., \"inline; filename=myvideo.mp4\"")
    add("--content-type", dest="content_type", help="Provide a Content-Type for signed URLs, e.g., \"video/mp4\"")
    add("--parallel", dest="parallel_transfers", type=int, metavar="NUM", help="Parts or files in flight at once (default 8).")
    add("--profile", metavar="NAME", help="Use credentials of this ~/.aws profile (default: $AWS_PROFILE).")
    _flag(p, "--no-credentials-cache", dest="credentials_cache", value=False,
          help="Don't cache temporary credentials on disk.")
    add("--sts-endpoint", dest="sts_endpoint", metavar="URL", help="STS endpoint for role credentials.")
    _add_settings_options(p)
    _cloudfront_and_encryption_options(p)
    _sync_options(p)
    _notification_options(p)
    # -- multipart housekeeping and objects (issue 10, items 2-3: put resume, restore, listings) --
    _flag(p, "--continue-put", dest="put_continue", value=True,
          help="Continue uploading partially uploaded files or multipart upload parts. Restarts parts/files that "
               "don't have matching size and md5. Skips files/parts that do. Note: md5sum checks are not always "
               "sufficient to check (part) file equality. Enable this at your own risk.")
    add("--upload-id", dest="upload_id", metavar="UPLOAD_ID",
        help="UploadId for Multipart Upload, in case you want continue an existing upload (equivalent to "
             "--continue-put) and there are multiple partial uploads. Use s3cmd multipart [URI] to see what "
             "UploadIds are associated with the given URI.")
    add("-D", "--restore-days", dest="restore_days", type=int, metavar="NUM",
        help="Number of days to keep restored file available (only for 'restore' command). Default is 1 day.")
    add("--restore-priority", dest="restore_priority", type=str.lower, choices=("standard", "expedited", "bulk"),
        metavar="PRIORITY",
        help="Priority for restoring files from S3 Glacier (only for 'restore' command). Choices available: bulk, "
             "standard, expedited")
    _flag(p, "--list-allow-unordered", dest="list_allow_unordered", value=True,
          help="Not ensuring list ordering (Ceph RGW's allow-unordered=true extension) [ls, la, du, -r].")
    _flag(p, "--verbatim", dest="verbatim", value=True,
          help="Refused: object names are always used exactly as given (never re-encoded or altered).")
    add("--add-encoding-exts", dest="add_encoding_exts", metavar="EXTENSIONs",
        help="Add encoding to these comma delimited extensions i.e. (css,js,html) when uploading to S3 )")
    add("--encoding", dest="encoding", metavar="ENCODING",
        help="Encoding of local file names and of --add-encoding-exts charsets; only UTF-8 is supported.")
    add("args", nargs="*", help=argparse.SUPPRESS)
    return p


# -- bucket and object settings (setacl, accesslog, ws-create, expire) ----------------------------

def _add_settings_options(p: argparse.ArgumentParser) -> None:
    add = p.add_argument
    add("--acl-grant", dest="acl_grants", action="append", type=acl_spec, default=[],
        metavar="PERMISSION:EMAIL or USER_CANONICAL_ID",
        help="Grant stated permission to a given amazon user. Permission is one of: " + ", ".join(ACL_PERMISSIONS))
    add("--acl-revoke", dest="acl_revokes", action="append", type=acl_spec, default=[],
        metavar="PERMISSION:USER_CANONICAL_ID",
        help="Revoke stated permission for a given amazon user. Permission is one of: " + ", ".join(ACL_PERMISSIONS))
    add("--access-logging-target-prefix", dest="log_target_prefix", metavar="S3_URI",
        help="Target prefix for access logs (S3 URI) (for [cfmodify] and [accesslog] commands)")
    _flag(p, "--no-access-logging", dest="no_access_logging", value=True,
          help="Disable access logging (for [cfmodify] and [accesslog] commands)")
    add("--ws-index", dest="website_index", help="Name of index-document (only for [ws-create] command)")
    add("--ws-error", dest="website_error", help="Name of error-document (only for [ws-create] command)")
    add("--expiry-date", dest="expiry_date",
        help="Indicates when the expiration rule takes effect. (only for [expire] command)")
    add("--expiry-days", dest="expiry_days",
        help="Indicates the number of days after object creation the expiration rule takes effect. (only for "
             "[expire] command)")
    add("--expiry-prefix", dest="expiry_prefix",
        help="Identifying one or more objects with the prefix to which the expiration rule applies. (only for "
             "[expire] command)")


def _cloudfront_and_encryption_options(p: argparse.ArgumentParser) -> None:
    """CloudFront (cflist … cfinvalinfo, --cf-invalidate on sync) and client-side encryption (-e)."""
    add = p.add_argument
    _flag(p, "-e", "--encrypt", dest="encrypt", value=True, help="Encrypt files before uploading to S3.")
    _flag(p, "--no-encrypt", dest="encrypt", value=False, help="Don't encrypt files.")
    # --access-logging-target-prefix / --no-access-logging: defined once, with [accesslog]'s options
    _flag(p, "--enable", dest="cf_enable", value=True, help="Enable given CloudFront distribution (only for [cfmodify] command)")
    _flag(p, "--disable", dest="cf_enable", value=False, help="Disable given CloudFront distribution (only for [cfmodify] command)")
    _flag(p, "--cf-invalidate", dest="invalidate_on_cf", value=True,
          help="Invalidate the uploaded filed in CloudFront. Also see [cfinval] command.")
    _flag(p, "--cf-invalidate-default-index", dest="invalidate_default_index_on_cf", value=True,
          help="When using Custom Origin and S3 static website, invalidate the default index file.")
    _flag(p, "--cf-no-invalidate-default-index-root", dest="invalidate_default_index_root_on_cf", value=False,
          help="When using Custom Origin and S3 static website, don't invalidate the path to the default index file.")
    add("--cf-add-cname", dest="cf_cnames_add", action="append", default=[], metavar="CNAME",
        help="Add given CNAME to a CloudFront distribution (only for [cfcreate] and [cfmodify] commands)")
    add("--cf-remove-cname", dest="cf_cnames_remove", action="append", default=[], metavar="CNAME",
        help="Remove given CNAME from a CloudFront distribution (only for [cfmodify] command)")
    add("--cf-comment", dest="cf_comment", metavar="COMMENT",
        help="Set COMMENT for a given CloudFront distribution (only for [cfcreate] and [cfmodify] commands)")
    add("--cf-default-root-object", dest="cf_default_root_object", metavar="DEFAULT_ROOT_OBJECT",
        help="Set the default root object to return when no object is specified in the URL. Use a relative path, "
             "i.e. default/index.html instead of /default/index.html or s3://bucket/default/index.html (only for "
             "[cfcreate] and [cfmodify] commands)")


def _sync_options(p: argparse.ArgumentParser) -> None:
    """sync (and put -r / get -r): deletions, update order and the filter files s3cmd 2.4.0 takes."""
    add = p.add_argument
    add("--add-destination", dest="additional_destinations", action="append", default=[], metavar="S3_URI",
        help="Additional destination for parallel uploads, in addition to last arg.  May be repeated.")
    _flag(p, "--delete-removed", dest="delete_removed", value=True,
          help="Delete destination objects with no corresponding source file [sync]")
    _flag(p, "--no-delete-removed", dest="delete_removed", value=False, help="Don't delete destination objects [sync]")
    _flag(p, "--delete-after", dest="delete_after", value=True,
          help="Perform deletes AFTER new uploads when delete-removed is enabled [sync]")
    _flag(p, "--delay-updates", dest="delay_updates", value=True,
          help="*OBSOLETE* Put all updated files into place at end [sync]")
    _flag(p, "--delete-after-fetch", dest="delete_after_fetch", value=True,
          help="Delete remote objects after fetching to local file (only for [get] and [sync] commands).")
    _flag(p, "--keep-dirs", dest="keep_dirs", value=True,
          help="Preserve all local directories as remote objects including empty directories. Experimental feature.")
    add("--rexclude-from", action="append", default=[], metavar="FILE", help="Read --rexclude REGEXPs from FILE")
    add("--rinclude-from", action="append", default=[], metavar="FILE", help="Read --rinclude REGEXPs from FILE")
    add("--files-from", action="append", default=[], metavar="FILE",
        help="Read list of source-file names from FILE. Use - to read from stdin.")


# -- notification (wiring helper): setnotification's header, as s3cmd 2.4.0 --
def _notification_options(p: argparse.ArgumentParser) -> None:
    _flag(p, "--skip-destination-validation", dest="skip_destination_validation", value=True,
          help="Skips validation of Amazon SQS, Amazon SNS, and AWS Lambda destinations when applying notification "
               "configuration. (only for [setnotification] command)")


# --access_key / --secret_key / --access_token are a credential source of their own (Settings.cli_*),
# not values for the .s3cfg keys of the same name.
_CREDENTIAL_DESTS = frozenset({"access_key", "secret_key", "access_token"})


def config_values(options: argparse.Namespace) -> dict[str, object]:
    """The values given for options that map one-to-one onto ``.s3cfg`` keys: every option whose
    destination is such a key (derived, so a new option cannot be left out), and ``acl_public``
    (-P / --acl-private, which Config keeps apart: None means not said)."""
    return {dest: value for dest, value in vars(options).items()
            if value is not None and (dest == "acl_public" or (dest in DEFAULTS and dest not in _CREDENTIAL_DESTS))}


def parse(argv: Sequence[str]) -> argparse.Namespace:
    options, extras = build_parser().parse_known_intermixed_args(list(argv))
    if extras:
        raise OptionError(_unknown_option(extras, argv))
    _refuse_unsupported_encoding(options.encoding)
    if options.verbatim:
        # s3cmd's --verbatim also sends keys unencoded on the wire, which no HTTP server reads back intact
        raise OptionError("option --verbatim: not needed and not supported: object names are always used exactly "
                         "as given (keys are never re-encoded, and control characters in file names are kept); "
                         "drop the option")
    return options


def _refuse_unsupported_encoding(encoding: str | None) -> None:
    """File names are read and keys written as UTF-8 (Python's file system encoding): another
    --encoding would be accepted and then not honoured, so it is refused."""
    if encoding is not None and encoding.lower().replace("-", "").replace("_", "") != "utf8":
        raise OptionError(f"option --encoding: only UTF-8 is supported, not {encoding[:20]!r}; "
                         "convert the file names (e.g. with convmv) or drop the option")
