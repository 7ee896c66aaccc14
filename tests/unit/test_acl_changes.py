"""setacl's ACL changes (S3.cli.commands.acl): what --acl-public/--acl-private/--acl-grant/--acl-revoke
do to an ACL, and the ACL document sent (S3.s3.xml), as s3cmd 2.4.0 changes them."""

from __future__ import annotations

from S3.cli.commands.acl import changed_acl, grant, revoke
from S3.s3 import xml
from S3.settings.model import Settings

OWNER = xml.AclEntry("ID", "owner1", "FULL_CONTROL", "me")
ANON_READ = xml.AclEntry("URI", xml.ALL_USERS, "READ")
ANON_WRITE = xml.AclEntry("URI", xml.ALL_USERS, "WRITE")


def policy(*grants: xml.AclEntry) -> xml.AccessControlPolicy:
    return xml.AccessControlPolicy("owner1", "me", (OWNER, *grants))


def test_public_adds_anonymous_read_once() -> None:
    public = changed_acl(policy(), Settings(acl_public=True), what="s3://b/")
    assert public is not None and public.grants == (OWNER, ANON_READ)
    assert changed_acl(public, Settings(acl_public=True), what="s3://b/") is None  # already public: no write


def test_private_drops_anonymous_read_and_write_only() -> None:
    other = xml.AclEntry("ID", "friend", "READ")
    private = changed_acl(policy(ANON_READ, other, ANON_WRITE), Settings(acl_public=False), what="s3://b/")
    assert private is not None and private.grants == (OWNER, other)
    assert changed_acl(private, Settings(acl_public=False), what="s3://b/") is None


def test_no_option_changes_nothing() -> None:
    assert changed_acl(policy(ANON_READ), Settings(), what="s3://b/") is None


def test_grant_kinds_and_case() -> None:
    granted = grant(grant(grant(policy(), "Someone@Example.COM", "read"), "ABC123", "write_acp"),
                    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "read")
    assert granted.grants[1:] == (
        xml.AclEntry("EmailAddress", "someone@example.com", "READ"),
        xml.AclEntry("ID", "abc123", "WRITE_ACP"),
        xml.AclEntry("URI", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "READ"),
    )


def test_grant_all_replaces_the_grantees_permissions_with_full_control() -> None:
    before = policy(xml.AclEntry("ID", "friend", "READ"), xml.AclEntry("ID", "friend", "WRITE"))
    assert grant(before, "FRIEND", "all").grants == (OWNER, xml.AclEntry("ID", "friend", "FULL_CONTROL"))
    # held already through FULL_CONTROL: unchanged
    assert grant(policy(), "owner1", "read") == policy()


def test_revoke_by_permission_or_all_and_by_display_name() -> None:
    before = policy(xml.AclEntry("ID", "friend", "READ", "Pal"), xml.AclEntry("ID", "friend", "WRITE", "Pal"))
    assert revoke(before, "pal", "read").grants == (OWNER, xml.AclEntry("ID", "friend", "WRITE", "Pal"))
    assert revoke(before, "friend", "all").grants == (OWNER,)
    # a grantee the server stored without an id (upstream crashes on it) is kept
    odd = policy(xml.AclEntry("ID", "", "READ"))
    assert revoke(odd, "friend", "all") == odd


def test_grants_then_revokes_revoke_wins() -> None:
    settings = Settings(acl_grants=("read:friend",), acl_revokes=("read:friend",))
    assert changed_acl(policy(), settings, what="s3://b/") == policy()


def test_document_round_trip() -> None:
    sent = policy(ANON_READ, xml.AclEntry("EmailAddress", "a@b.c", "WRITE"))
    body = xml.build_access_control_policy(sent)
    assert b'xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI>' in body
    assert b'xsi:type="AmazonCustomerByEmail"><EmailAddress>a@b.c</EmailAddress>' in body
    back = xml.parse_access_control_policy(body)
    assert (back.owner_id, [(g.kind, g.name, g.permission) for g in back.grants]) == (
        "owner1", [("ID", "owner1", "FULL_CONTROL"), ("URI", xml.ALL_USERS, "READ"), ("EmailAddress", "a@b.c", "WRITE")])
    assert [g.label for g in back.grants] == ["owner1", "*anon*", "a@b.c"]
