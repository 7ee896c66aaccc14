"""cflist/cfinfo, cfcreate, cfdelete, cfmodify, cfinval, cfinvalinfo, and ``invalidate_keys``,
which ``sync --cf-invalidate`` calls with the keys it uploaded.

Distributions are named ``cf://DIST_ID`` (``cf://DIST_ID/INVAL_ID`` for an invalidation) or
by the bucket they serve (``s3://BUCKET``: every distribution whose origin is that bucket).
Reads: ``cloudfront_host``, ``use_https``, ``max_retries``, the ``--cf-*`` options,
``--enable``/``--disable``, ``--access-logging-target-prefix``/``--no-access-logging``,
``invalidate_*_on_cf``, ``public_url_use_https`` and ``host_base`` (the default comment).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from S3 import ExitCodes
from S3.cli.commands.common import require_args
from S3.cli.context import Context
from S3.cloudfront import xml as cfxml
from S3.cloudfront.client import CloudFrontClient, endpoint_url
from S3.errors import ParameterError, TransferError
from S3.output import log
from S3.s3 import uri as s3uri
from S3.s3.errors import S3Error
from S3.s3.xml import MalformedAnswer, parse_xml
from S3.transport.http import new_transport

MAX_PATHS = 999  # what s3cmd 2.4.0 sends in one invalidation; more is refused, as it does
DISABLE_POLL_SECONDS = 10.0
DISABLE_POLLS = 180  # 30 minutes: disabling a distribution takes minutes, not hours
_CF_URI = re.compile(r"^cf://(?P<dist>[^/]*)/*(?P<request>.*)$", re.IGNORECASE)
_DNS_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


@dataclass(frozen=True)
class CfUri:
    dist_id: str
    request_id: str = ""

    def __str__(self) -> str:
        return f"cf://{self.dist_id}" + (f"/{self.request_id}" if self.request_id else "")


def parse_cf_uri(text: str) -> CfUri | None:
    found = _CF_URI.match(text)
    if not found or not found.group("dist"):
        return None
    return CfUri(found.group("dist"), found.group("request"))


@contextmanager
def cloudfront_client(ctx: Context) -> Iterator[CloudFrontClient]:
    """A client for one command, on its own connection pool, with the run's credentials."""
    transport = new_transport(ctx.transport_settings())
    try:
        yield CloudFrontClient(endpoint=endpoint_url(ctx.settings.cloudfront_host, use_https=ctx.settings.use_https),
                               transport=transport, credentials=ctx.credentials(), runtime=ctx.runtime,
                               max_retries=ctx.settings.max_retries)
    finally:
        transport.close()


def _pretty(ctx: Context, label: str, value: object) -> None:
    """s3cmd's ``Label:`` column, 15 wide."""
    ctx.out(f"{(label + ':').ljust(15)} {value}")


def _origin(origins: Sequence[cfxml.Origin]) -> str:
    return origins[0].display() if origins else "<unknown>"


def _bucket_host(bucket: str) -> str:
    """The host name CloudFront knows an S3 bucket by (origins, log buckets)."""
    return f"{bucket}.s3.amazonaws.com"


class _Distributions:
    """Resolves ``s3://BUCKET`` to the distributions serving it (one listing per run)."""

    def __init__(self, cf: CloudFrontClient) -> None:
        self.cf = cf
        self._by_bucket: dict[str, list[CfUri]] | None = None

    def for_bucket(self, uri: s3uri.S3Uri) -> list[CfUri]:
        if self._by_bucket is None:
            self._by_bucket = {}
            for summary in self.cf.list_distributions():
                for bucket in dict.fromkeys(origin.bucket for origin in summary.origins if origin.bucket):
                    self._by_bucket.setdefault(bucket, []).append(CfUri(summary.id))
        found = self._by_bucket.get(uri.bucket)
        if not found:
            raise ParameterError(f"Unable to translate S3 URI to CloudFront distribution name: s3://{uri.bucket}/")
        return found

    def resolve(self, args: Sequence[str]) -> list[CfUri]:
        chosen: list[CfUri] = []
        for arg in args:
            cf_uri = parse_cf_uri(arg)
            if cf_uri is not None:
                chosen.append(cf_uri)
            elif s3uri.is_s3_uri(arg):
                chosen += self.for_bucket(s3uri.parse_bucket(arg))
            else:
                raise ParameterError(f"CloudFront or S3 URI required instead of: {arg}")
        return chosen


# -- cflist, cfinfo ------------------------------------------------------------


def cfinfo(ctx: Context, args: list[str]) -> int:
    with cloudfront_client(ctx) as cf:
        if not args:
            for summary in cf.list_distributions():
                _pretty(ctx, "Origin", _origin(summary.origins))
                _pretty(ctx, "DistId", CfUri(summary.id))
                _pretty(ctx, "DomainName", summary.domain_name)
                if summary.cnames:
                    _pretty(ctx, "CNAMEs", ", ".join(summary.cnames))
                _pretty(ctx, "Status", summary.status)
                _pretty(ctx, "Enabled", summary.enabled)
                ctx.out("")
            return ExitCodes.EX_OK
        for cf_uri in _Distributions(cf).resolve(args):
            dist, etag = cf.get_distribution(cf_uri.dist_id)
            config = dist.config
            _pretty(ctx, "Origin", _origin(config.origins))
            _pretty(ctx, "DistId", CfUri(dist.id))
            _pretty(ctx, "DomainName", dist.domain_name)
            _pretty(ctx, "CNAMEs", ", ".join(config.cnames))
            _pretty(ctx, "Status", dist.status)
            _pretty(ctx, "Comment", config.comment)
            _pretty(ctx, "Enabled", config.enabled)
            _pretty(ctx, "DfltRootObject", config.default_root_object)
            _pretty(ctx, "Logging", config.logging.display())
            _pretty(ctx, "Etag", etag)
    return ExitCodes.EX_OK


# -- cfcreate, cfmodify, cfdelete ------------------------------------------------


def _logging_change(ctx: Context) -> tuple[str | None, str]:
    """(log bucket host or "" to turn logging off or None to leave it, prefix) from the command line."""
    if ctx.settings.no_access_logging:
        return "", ""
    target = ctx.settings.log_target_prefix
    if not target:
        return None, ""
    if not s3uri.is_s3_uri(target):
        raise ParameterError("--access-logging-target-prefix must be a S3 URI")
    uri = s3uri.parse_bucket(target)
    return _bucket_host(uri.bucket), uri.key


def _changes(ctx: Context, *, comment: str | None) -> cfxml.ConfigChanges:
    host, prefix = _logging_change(ctx)
    s = ctx.settings
    return cfxml.ConfigChanges(enabled=s.cf_enable, comment=comment, default_root_object=s.cf_default_root_object,
                               cnames_add=s.cf_cnames_add, cnames_remove=s.cf_cnames_remove, logging_host=host,
                               logging_prefix=prefix)


def _public_url(ctx: Context, bucket: str) -> str:
    scheme = "https" if ctx.settings.public_url_use_https else "http"
    return f"{scheme}://{bucket}.{ctx.settings.host_base}/"


def _summary_lines(ctx: Context, dist: cfxml.Distribution, etag: str, *, status_first: bool) -> None:
    """The block cfcreate and cfmodify print (in their own orders, as s3cmd does)."""
    config = dist.config
    _pretty(ctx, "Origin", _origin(config.origins))
    _pretty(ctx, "DistId", CfUri(dist.id))
    _pretty(ctx, "DomainName", dist.domain_name)
    if status_first:
        _pretty(ctx, "Status", dist.status)
    _pretty(ctx, "CNAMEs", ", ".join(config.cnames))
    _pretty(ctx, "Comment", config.comment)
    if not status_first:
        _pretty(ctx, "Status", dist.status)
    _pretty(ctx, "Enabled", config.enabled)
    _pretty(ctx, "DefaultRootObject", config.default_root_object)
    _pretty(ctx, "Etag", etag)


def cfcreate(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd cfcreate s3://BUCKET")
    buckets = []
    for arg in args:
        if not s3uri.is_s3_uri(arg):
            raise ParameterError(f"Distribution can only be created from a s3:// URI instead of: {arg}")
        uri = s3uri.parse_bucket(arg)
        if uri.key:
            raise ParameterError(f"Use s3:// URI with a bucket name only instead of: {arg}")
        if not _DNS_BUCKET.match(uri.bucket) or ".." in uri.bucket:
            raise ParameterError("CloudFront can only handle lowercase-named buckets.")
        buckets.append(uri.bucket)
    with cloudfront_client(ctx) as cf:
        for bucket in buckets:
            log.info(f"Creating distribution from: s3://{bucket}/")
            config = cfxml.new_config(caller_reference=f"s3://{bucket}/", origin_host=_bucket_host(bucket),
                                      comment=_public_url(ctx, bucket))
            comment = ctx.settings.cf_comment
            cfxml.edit_config(config, _changes(ctx, comment=comment))
            dist, etag = cf.create_distribution(config)
            ctx.out("Distribution created:")
            _summary_lines(ctx, dist, etag, status_first=False)
    return ExitCodes.EX_OK


def cfmodify(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd cfmodify cf://DIST_ID")
    if len(args) > 1:
        raise ParameterError("Too many parameters. Modify one Distribution at a time.")
    with cloudfront_client(ctx) as cf:
        targets = _Distributions(cf).resolve(args)
        if not targets:
            raise ParameterError("No valid Distribution URI found.")
        cf_uri = targets[0]
        log.info(f"Checking current status of {cf_uri}")
        config, etag = cf.get_config(cf_uri.dist_id)
        cfxml.edit_config(config, _changes(ctx, comment=ctx.settings.cf_comment))
        cf.put_config(cf_uri.dist_id, config, etag=etag)
        ctx.out(f"Distribution modified: {cf_uri}")
        dist, etag = cf.get_distribution(cf_uri.dist_id)
        _summary_lines(ctx, dist, etag, status_first=True)
    return ExitCodes.EX_OK


def _disable_and_wait(ctx: Context, cf: CloudFrontClient, cf_uri: CfUri) -> str:
    """Disable the distribution if it is enabled, wait until that is deployed; the ETag to delete with."""
    config, etag = cf.get_config(cf_uri.dist_id)
    if cfxml.parse_config_tree(config).enabled is False:
        return etag
    log.info("Distribution is ENABLED. Disabling first.")
    cfxml.edit_config(config, cfxml.ConfigChanges(enabled=False))
    cf.put_config(cf_uri.dist_id, config, etag=etag)
    log.warning("Waiting for Distribution to become disabled.")
    log.warning("This may take several minutes, please wait.")
    for _ in range(DISABLE_POLLS):
        dist, etag = cf.get_distribution(cf_uri.dist_id)
        if dist.status == "Deployed" and not dist.config.enabled:
            log.info("Distribution is now disabled")
            return etag
        log.warning("Still waiting...")
        ctx.runtime.sleep(DISABLE_POLL_SECONDS)
    raise TransferError(f"Distribution {cf_uri} is disabled but not yet deployed after "
                        f"{DISABLE_POLLS * DISABLE_POLL_SECONDS / 60:.0f} minutes: run cfdelete again later")


def cfdelete(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd cfdelete cf://DIST_ID")
    with cloudfront_client(ctx) as cf:
        for cf_uri in _Distributions(cf).resolve(args):
            log.info(f"Checking current status of {cf_uri}")
            etag = _disable_and_wait(ctx, cf, cf_uri)
            cf.delete_distribution(cf_uri.dist_id, etag=etag)
            ctx.out(f"Distribution {cf_uri} deleted")
    return ExitCodes.EX_OK


# -- cfinval, cfinvalinfo, and the sync hook ---------------------------------------


def index_paths(paths: Sequence[str], index: str, *, keep_index: bool, add_root: bool) -> list[str]:
    """s3cmd's default-index rule for website buckets: ``dir/index.html`` becomes ``dir/``
    (``add_root``), itself (``keep_index``), or both."""
    if not index or (keep_index and not add_root):
        return list(paths)
    chosen: list[str] = []
    for path in paths:
        if path == index or path.endswith("/" + index):
            if keep_index:
                chosen.append(path)
            if add_root:
                chosen.append(path[: -len(index)])
        else:
            chosen.append(path)
    return chosen


def _website_index(ctx: Context, bucket: str) -> str:
    """The bucket's website index document, or "" (no website, or the option is off)."""
    s = ctx.settings
    if not (s.invalidate_default_index_on_cf or s.invalidate_default_index_root_on_cf):
        return ""
    try:
        body = ctx.client().get_subresource(bucket, "", "website")
    except S3Error as failed:
        if failed.status == 404:
            return ""
        raise
    try:
        suffix = parse_xml(body).find("IndexDocument/Suffix")
    except MalformedAnswer:
        return ""
    return (suffix.text or "").strip() if suffix is not None else ""


def _reference(ctx: Context, dist_id: str) -> str:
    stamp = ctx.runtime.clock().strftime("%Y%m%d%H%M%S")
    return f"{dist_id}.{stamp}.{1000 + int(ctx.runtime.random() * 9000)}"


def _send_invalidation(ctx: Context, cf: CloudFrontClient, cf_uri: CfUri, paths: Sequence[str],
                       index: str) -> cfxml.Invalidation:
    s = ctx.settings
    paths = index_paths(paths, index, keep_index=s.invalidate_default_index_on_cf,
                        add_root=s.invalidate_default_index_root_on_cf)
    if len(paths) > MAX_PATHS:
        log.warning(f"Request to invalidate {len(paths)} paths (max {MAX_PATHS} supported)")
        raise ParameterError("Too many paths to invalidate")
    return cf.create_invalidation(cf_uri.dist_id, paths, reference=_reference(ctx, cf_uri.dist_id))


def cfinval(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd cfinval s3://BUCKET/OBJECT [s3://BUCKET/OBJECT ...]")
    by_bucket: dict[str, list[str]] = {}
    for arg in args:
        uri = s3uri.parse_bucket(arg)
        # no key: the whole bucket; a "folder": everything below it
        path = "*" if not uri.key else uri.key + "*" if uri.key.endswith("/") else uri.key
        by_bucket.setdefault(uri.bucket, []).append(path)
    with cloudfront_client(ctx) as cf:
        distributions = _Distributions(cf)
        planned = [(bucket, paths, distributions.for_bucket(s3uri.S3Uri(bucket))[0], _website_index(ctx, bucket))
                   for bucket, paths in by_bucket.items()]
        if ctx.settings.dry_run:
            for bucket, paths, _, _ in planned:
                ctx.out(f"[--dry-run] Would invalidate {[f's3://{bucket}/{path}' for path in paths]!r}")
            log.warning("Exiting now because of --dry-run")
            return ExitCodes.EX_OK
        for number, (bucket, paths, cf_uri, index) in enumerate(planned):
            if number:
                ctx.out("")
            invalidation = _send_invalidation(ctx, cf, cf_uri, paths, index)
            _pretty(ctx, "URI", f"s3://{bucket}/")
            _pretty(ctx, "DistId", cf_uri.dist_id)
            _pretty(ctx, "Nr of paths", len(paths))
            _pretty(ctx, "Status", "Created")
            _pretty(ctx, "RequestId", invalidation.id)
            _pretty(ctx, "Info", f"Check progress with: s3cmd cfinvalinfo {CfUri(cf_uri.dist_id, invalidation.id)}")
    return ExitCodes.EX_OK


def cfinvalinfo(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd cfinvalinfo cf://DIST_ID[/INVAL_ID]")
    with cloudfront_client(ctx) as cf:
        requests: list[CfUri] = []
        for cf_uri in _Distributions(cf).resolve(args):
            if cf_uri.request_id:
                requests.append(cf_uri)
            else:
                requests += [CfUri(cf_uri.dist_id, found) for found in cf.list_invalidations(cf_uri.dist_id)]
        for request in requests:
            invalidation = cf.get_invalidation(request.dist_id, request.request_id)
            _pretty(ctx, "URI", request)
            _pretty(ctx, "Status", invalidation.status)
            _pretty(ctx, "Created", invalidation.create_time)
            _pretty(ctx, "Nr of paths", len(invalidation.paths))
            _pretty(ctx, "Reference", invalidation.caller_reference)
            ctx.out("")
    return ExitCodes.EX_OK


def invalidate_keys(ctx: Context, destination: s3uri.S3Uri, keys: Sequence[str]) -> None:
    """``--cf-invalidate``: invalidate ``keys`` (full object keys just uploaded or deleted) on the
    distributions serving ``destination``'s bucket, and print s3cmd's two lines per request.
    Call it after the transfers, only when ``ctx.settings.invalidate_on_cf`` is set."""
    if not keys:
        log.info("Nothing to invalidate in CloudFront")
        return
    with cloudfront_client(ctx) as cf:
        index = _website_index(ctx, destination.bucket)
        for cf_uri in _Distributions(cf).for_bucket(destination):
            invalidation = _send_invalidation(ctx, cf, cf_uri, keys, index)
            ctx.out(f"Created invalidation request for {len(keys)} paths")
            ctx.out(f"Check progress with: s3cmd cfinvalinfo {CfUri(cf_uri.dist_id, invalidation.id)}")
