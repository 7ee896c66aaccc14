"""Helpers shared by commands: argument checks and remote listings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from S3 import ExitCodes
from S3.cli.context import Context
from S3.errors import NotEnoughParameters
from S3.output import log
from S3.s3 import uri as s3uri
from S3.s3.errors import S3Error
from S3.s3.xml import ObjectEntry

if TYPE_CHECKING:
    from S3.sync.local import Filters


def require_args(args: list[str], count: int, usage: str) -> None:
    """``usage`` is the command's synopsis, e.g. ``s3cmd cp SRC DST``."""
    if len(args) < count:
        command = usage.split()[1]
        raise NotEnoughParameters(f"Not enough parameters for command '{command}' (usage: {usage})")


def dry_run_listing(ctx: Context, lines: Iterable[str]) -> int:
    """s3cmd's ``--dry-run`` ending: what would be done, a line each, then its warning; exit 0."""
    for line in lines:
        ctx.out(line)
    log.warning("Exiting now because of --dry-run")
    return ExitCodes.EX_OK


def remote_objects(
    ctx: Context, uri: s3uri.S3Uri, *, on_excluded: Callable[[str], None] | None = None, with_root: bool = False
) -> Iterator[ObjectEntry]:
    """Every object whose key starts with the URI's key, streamed page by page (for -r), less those that
    --exclude/--include/--rexclude/--rinclude (and their -from files) leave out, matched as s3cmd
    matches them: on the key below the URI (``relative_key``). ``on_excluded`` is told each one left out.

    The folder's own marker (``s3://b/dir/`` holding a key ``dir/``, as the S3 console makes folders)
    has no name below the URI: s3cmd passes over it with a warning, and so does this, unless
    ``with_root`` (del -r, which deletes it with the rest)."""
    filters = listing_filters(ctx)
    for page in ctx.client().list_objects(uri.bucket, prefix=uri.key):
        if not filters.exclude and (with_root or not uri.key.endswith("/")):
            yield from page.objects
            continue
        named = ((entry, relative_key(uri.key, entry.key)) for entry in page.objects)
        yield from (entry for entry, _ in _kept(named, filters, on_excluded, with_root=with_root))


def _kept(
    named: Iterable[tuple[ObjectEntry, str]], filters: Filters, on_excluded: Callable[[str], None] | None, *,
    with_root: bool,
) -> Iterator[tuple[ObjectEntry, str]]:
    """The listed objects (with their names below the URI) that a command acts on: the folder's own
    marker passed over with s3cmd's warning (unless ``with_root``), the filters applied."""
    for entry, name in named:
        if not name and not with_root:
            root_marker_warning()
        elif filters.exclude and filters.excludes_file(name):
            if on_excluded is not None:
                on_excluded(name)
        else:
            yield entry, name


def root_marker_warning() -> None:
    """s3cmd's words for the folder's own marker ('dir/' listed under ``s3://b/dir/``), passed over."""
    log.warning("Found empty root object name on S3, ignoring.")


def listing_filters(ctx: Context) -> Filters:
    """--exclude/--include and the rest, as the listings of remote commands apply them."""
    # the filter machinery (the sync walk's module) loads only for a listing: ls and its like skip ~4 ms
    from S3.cli.commands.localfiles import filters_from

    return filters_from(ctx.settings)


def has_wildcards(uri: s3uri.S3Uri) -> bool:
    return "*" in uri.key or "?" in uri.key


def wildcard_objects(
    ctx: Context, uri: s3uri.S3Uri, *, on_excluded: Callable[[str], None] | None = None
) -> Iterator[tuple[ObjectEntry, str]]:
    """s3cmd's wildcards in an object name given without -r (``s3://b/logs/2026-*.gz``): the objects
    whose key matches it (``*`` and ``?`` as fnmatch has them, across '/' too), each with its name
    below the part before the first wildcard. Listed from that part, one level only unless the
    pattern goes on past a '/' after its first wildcard; the filters then apply, as to ``-r``."""
    import fnmatch

    first = min(i for i in (uri.key.find("*"), uri.key.find("?")) if i >= 0)
    literal, rest = uri.key[:first], uri.key[first:]
    filters = listing_filters(ctx)
    for page in ctx.client().list_objects(uri.bucket, prefix=literal, delimiter="" if "/" in rest else "/"):
        named = ((entry, relative_key(literal, entry.key)) for entry in page.objects
                 if fnmatch.fnmatchcase(entry.key, uri.key))
        yield from _kept(named, filters, on_excluded, with_root=False)


def excluded_lines(ctx: Context, keys: Iterable[str]) -> None:
    """A dry run's ``exclude: KEY`` lines, which s3cmd prints before what would be done."""
    if ctx.settings.dry_run:
        for key in keys:
            ctx.out(f"exclude: {key}")


def relative_key(prefix: str, key: str) -> str:
    """The part of ``key`` that a recursive copy recreates under the destination.

    ``dir/`` keeps what lies below it; ``dir`` (no slash) keeps ``dir/`` itself,
    as s3cmd does. The result is still an untrusted key (``../x``, ``/abs``, ``a//b``):
    turn it into a local path only through ``S3.transfer.localpath.local_target``.
    """
    if not prefix or prefix.endswith("/"):
        base = prefix
    elif "/" in prefix:
        base = prefix.rsplit("/", 1)[0] + "/"
    else:
        base = ""
    return key[len(base):] if key.startswith(base) else key


# s3cmd 2.4.0 prints one of these before the ``S3 error:`` line of bucket commands (mb, ls, du, info, …).
_BUCKET_LINES = {
    "NoSuchBucket": "Bucket '{}' does not exist",
    "AccessDenied": "Access to bucket '{}' was denied",
    "BucketAlreadyExists": "Bucket '{}' already exists",
}


@contextmanager
def naming_the_bucket(bucket: str, *, unless: tuple[str, ...] = ()) -> Iterator[None]:
    """Log s3cmd's line naming ``bucket`` when an S3 error with one of the codes above (and not in
    ``unless``) leaves the block; the error goes on to ``raw_main``, which prints its own line."""
    try:
        yield
    except S3Error as failed:
        line = _BUCKET_LINES.get(failed.code)
        if line and failed.code not in unless:
            log.error(line.format(bucket))
        raise
