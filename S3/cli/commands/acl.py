"""setacl: change the access control list of a bucket or of objects (``-r``: every object under a
prefix) with ``--acl-public``/``--acl-private``, ``--acl-grant`` and ``--acl-revoke``.

The ACL is read, changed here and written back whole, so grants the options do not name are kept;
an ACL the options leave as it was is not written at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from S3 import ExitCodes
from S3.cli.commands.common import (
    dry_run_listing,
    excluded_lines,
    has_wildcards,
    remote_objects,
    require_args,
    wildcard_objects,
)
from S3.cli.context import Context
from S3.errors import ParameterError
from S3.output import log
from S3.s3 import uri as s3uri
from S3.s3 import xml
from S3.settings.model import Settings

_ANON_READ = ("READ", "FULL_CONTROL")
_ANON_WRITE = ("WRITE", "FULL_CONTROL")


def _anon(policy: xml.AccessControlPolicy, permissions: tuple[str, ...]) -> bool:
    return any(g.is_all_users and g.permission in permissions for g in policy.grants)


def _without(policy: xml.AccessControlPolicy, drop: Callable[[xml.AclEntry], bool]) -> xml.AccessControlPolicy:
    return replace(policy, grants=tuple(g for g in policy.grants if not drop(g)))


def revoke(policy: xml.AccessControlPolicy, who: str, permission: str) -> xml.AccessControlPolicy:
    """``all`` revokes every permission of ``who``; matching is by name or display name, any case."""
    permission = permission.upper()
    return _without(policy, lambda g: g.matches(who) and (permission == "ALL" or g.permission.upper() == permission))


def grant(policy: xml.AccessControlPolicy, who: str, permission: str) -> xml.AccessControlPolicy:
    permission = permission.upper()
    if any(g.name.lower() == who.lower() and g.permission in ("FULL_CONTROL", permission) for g in policy.grants):
        return policy  # held already (FULL_CONTROL holds every permission)
    if permission == "ALL":
        permission = "FULL_CONTROL"
    if permission == "FULL_CONTROL":
        policy = revoke(policy, who, "ALL")
    if "http://acs.amazonaws.com/groups/" in who:
        entry = xml.AclEntry("URI", who, permission)
    else:
        entry = xml.AclEntry("EmailAddress" if "@" in who else "ID", who.lower(), permission)
    return replace(policy, grants=(*policy.grants, entry))


def _split(spec: str) -> tuple[str, str]:
    permission, _, who = spec.partition(":")  # the parser checked PERMISSION:GRANTEE
    return who, permission


def changed_acl(
    policy: xml.AccessControlPolicy, settings: Settings, *, what: str, label: str = ""
) -> xml.AccessControlPolicy | None:
    """The ACL the options ask for, or None when it needs no change. ``what`` and ``label`` name it in -v lines."""
    changed = False
    if settings.acl_public is True:
        if _anon(policy, _ANON_READ):
            log.info(f"{what}: already Public, skipping {label}")
        else:
            policy = replace(policy, grants=(*policy.grants, xml.AclEntry("URI", xml.ALL_USERS, "READ")))
            changed = True
    elif settings.acl_public is False:
        if not _anon(policy, _ANON_READ) and not _anon(policy, _ANON_WRITE):
            log.info(f"{what}: already Private, skipping {label}")
        else:
            policy = _without(policy, lambda g: g.is_all_users and g.permission in (*_ANON_READ, "WRITE"))
            changed = True
    # grants first, revokes after: a revoke wins over a grant of the same permission
    for spec in settings.acl_grants:
        policy, changed = grant(policy, *_split(spec)), True
    for spec in settings.acl_revokes:
        policy, changed = revoke(policy, *_split(spec)), True
    return policy if changed else None


def _update(ctx: Context, uri: s3uri.S3Uri, label: str = "") -> None:
    client = ctx.client()
    policy = changed_acl(client.get_acl(uri.bucket, uri.key), ctx.settings, what=str(uri), label=label)
    if policy is None:
        return
    client.put_acl(uri.bucket, uri.key, policy)
    if ctx.settings.acl_public is None:
        ctx.out(f"{uri}: ACL updated")
    else:
        ctx.out(f"{uri}: ACL set to {'Public' if ctx.settings.acl_public else 'Private'}  {label}")


def setacl(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd setacl s3://BUCKET[/OBJECT]")
    uris = [s3uri.parse_bucket(arg) for arg in args]
    targets: list[s3uri.S3Uri] = []
    excluded: list[str] = []
    for uri in uris:
        if ctx.settings.recursive:
            targets += [uri.join(entry.key) for entry in remote_objects(ctx, uri, on_excluded=excluded.append)]
        elif has_wildcards(uri):  # as s3cmd: every object the name matches
            targets += [uri.join(entry.key) for entry, _ in wildcard_objects(ctx, uri, on_excluded=excluded.append)]
        elif uri.key.endswith("/"):  # as s3cmd: a prefix is no object, and -r was not given
            raise ParameterError(f"Expecting S3 URI with a filename or --recursive: {uri}")
        elif uri.key:
            targets.append(uri)
        else:
            to = {True: " to Public", False: " to Private", None: ""}[ctx.settings.acl_public]
            log.info(f"Setting bucket-level ACL for {uri}{to}")
            if not ctx.settings.dry_run:
                _update(ctx, uri)
    log.info(f"Summary: {len(targets)} remote files to update")
    if ctx.settings.dry_run:
        excluded_lines(ctx, excluded)
        return dry_run_listing(ctx, (f"setacl: '{uri}'" for uri in targets))
    for number, uri in enumerate(targets, 1):
        _update(ctx, uri, f"[{number} of {len(targets)}]")
    return ExitCodes.EX_OK
