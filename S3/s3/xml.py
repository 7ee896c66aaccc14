"""S3 XML answers → plain dataclasses. Namespaces are dropped; nothing else is trusted."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote_plus

from S3.errors import ServerAnswerError
from S3.identity.timestamps import parse_timestamp

S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"


def _strip(tree: ET.Element) -> ET.Element:
    for element in tree.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return tree


_HTML_STARTS = (b"<!doctype html", b"<html")


def looks_like_html(body: bytes) -> bool:
    """A web page (a captive portal, a proxy's login page), not an S3 answer."""
    return body.lstrip()[:16].lower().startswith(_HTML_STARTS)


def parse_xml(body: bytes, *, expect: str = "") -> ET.Element:
    """Parse an S3 answer; with ``expect``, its root element must be that one.

    expat refuses entity expansion bombs and never fetches external entities (XXE);
    both arrive here as a ParseError and are reported as a malformed answer.
    """
    if looks_like_html(body):
        raise MalformedAnswer(HTML_ANSWER)
    try:
        tree = _strip(ET.fromstring(body))
    except ET.ParseError as bad:
        raise MalformedAnswer(f"the endpoint answered malformed XML ({bad}): is host_base an S3 endpoint?") from None
    if tree.tag.lower() == "html":
        raise MalformedAnswer(HTML_ANSWER)
    if expect and tree.tag != expect:
        # e.g. a listing that is some other document: never read it as an empty listing
        raise MalformedAnswer(
            f"the endpoint answered XML <{tree.tag[:40]}>, not S3's <{expect}>: is host_base an S3 endpoint?"
        )
    return tree


HTML_ANSWER = "the endpoint answered HTML, not S3 XML: a proxy or captive portal? check host_base / --host"


class MalformedAnswer(ServerAnswerError):
    """An answer we parse as S3 XML is not S3 XML."""


def parse_error(body: bytes) -> dict[str, str]:
    if not body.strip():
        return {}
    try:
        tree = parse_xml(body)
    except MalformedAnswer:
        return {}
    node = tree if tree.tag == "Error" else tree.find(".//Error")
    if node is None:
        return {}
    return {child.tag: (child.text or "") for child in node}


def _text(node: ET.Element, path: str, default: str = "") -> str:
    found = node.find(path)
    return found.text or default if found is not None else default


def _int(node: ET.Element, path: str) -> int:
    text = _text(node, path, "0")
    try:
        return int(text)
    except ValueError:
        raise MalformedAnswer(f"the endpoint answered <{path}>{text[:40]}</{path}>, not a number") from None


def _date(node: ET.Element, path: str) -> datetime:
    text = _text(node, path, "1970-01-01T00:00:00Z")
    try:
        return parse_timestamp(text)
    except ValueError:
        raise MalformedAnswer(f"the endpoint answered <{path}>{text[:40]}</{path}>, not a date") from None


@dataclass(frozen=True)
class Bucket:
    name: str
    created: datetime


@dataclass(frozen=True)
class ObjectEntry:
    key: str
    size: int
    last_modified: datetime
    etag: str
    storage_class: str

    @property
    def md5(self) -> str:
        return self.etag.strip('"')


@dataclass(frozen=True)
class ListPage:
    objects: tuple[ObjectEntry, ...]
    prefixes: tuple[str, ...]
    truncated: bool
    next_marker: str


def parse_buckets(body: bytes) -> list[Bucket]:
    tree = parse_xml(body, expect="ListAllMyBucketsResult")
    return [
        Bucket(_text(b, "Name"), _date(b, "CreationDate"))
        for b in tree.iter("Bucket")
    ]


def _names(tree: ET.Element) -> Callable[[str], str]:
    """How to read the listing's keys: URL-decoded when the server says it encoded them
    (``encoding-type=url``, asked for because XML 1.0 cannot carry some characters a key may
    hold); as they are from a server that ignored the request (decoding those would change
    keys with '%' or '+')."""
    return _url_decoded if _text(tree, "EncodingType").lower() == "url" else str


def _url_decoded(text: str) -> str:
    """A key as the listing encoded it; bytes that are not UTF-8 are no S3 key, and replacing them
    (U+FFFD) would name another object."""
    try:
        return unquote_plus(text, errors="strict")
    except UnicodeDecodeError:
        raise MalformedAnswer(f"The server listed a key that is not UTF-8 once decoded ('{text}').") from None


# What URL encoding leaves as it is; a value holding anything else (a space, a non-ASCII letter) was
# sent as it is, whatever EncodingType says.
_URL_ENCODED = re.compile(r"[A-Za-z0-9\-_.~%+/*!'()=&;:@,$]*")


def _folder_names(tree: ET.Element, name: Callable[[str], str], prefix: str) -> tuple[str, ...]:
    """CommonPrefixes as the server meant them. Some servers (moto among them) URL-encode the keys of a
    listing and not its CommonPrefixes: decoding those would turn 'a b+c/' into 'a b c/', so a
    value that cannot be URL-encoded, or that is below ``prefix`` only as it is, is taken as it is."""
    raw = [_text(p, "Prefix") for p in tree.findall("CommonPrefixes")]
    if name is str:
        return tuple(raw)
    names = []
    for value in raw:
        decoded = name(value) if _URL_ENCODED.fullmatch(value) else value
        names.append(value if not decoded.startswith(prefix) and value.startswith(prefix) else decoded)
    return tuple(names)


def parse_list_page(body: bytes, *, prefix: str = "") -> ListPage:
    """One page of a listing asked for with ``prefix``."""
    tree = parse_xml(body, expect="ListBucketResult")
    name = _names(tree)
    objects = tuple(
        ObjectEntry(
            key=name(_text(c, "Key")),
            size=_int(c, "Size"),
            last_modified=_date(c, "LastModified"),
            etag=_text(c, "ETag"),
            storage_class=_text(c, "StorageClass", "STANDARD"),
        )
        for c in tree.findall("Contents")
    )
    prefixes = _folder_names(tree, name, prefix)
    truncated = _text(tree, "IsTruncated", "false").lower() == "true"
    marker = name(_text(tree, "NextMarker"))
    if truncated and not marker:
        candidates = [o.key for o in objects] + list(prefixes)
        marker = max(candidates) if candidates else ""
    return ListPage(objects, prefixes, truncated, marker)


def parse_location(body: bytes) -> str:
    tree = parse_xml(body)
    return tree.text or ""


# ``rclone serve s3`` names the root without "Result"; both carry the same UploadId
_INITIATE_ROOTS = ("InitiateMultipartUploadResult", "InitiateMultipartUpload")


def parse_upload_id(body: bytes) -> str:
    tree = parse_xml(body)
    if tree.tag not in _INITIATE_ROOTS:
        parse_xml(body, expect=_INITIATE_ROOTS[0])  # raises: says which root was expected
    return _text(tree, "UploadId")


def parse_copy_result(body: bytes) -> dict[str, str]:
    tree = parse_xml(body)
    if tree.tag == "Error":
        return {"Error": _text(tree, "Code"), "Message": _text(tree, "Message")}
    return {"ETag": _text(tree, "ETag"), "LastModified": _text(tree, "LastModified")}


def parse_delete_result(body: bytes) -> tuple[list[str], list[tuple[str, str, str]]]:
    """→ (deleted keys, [(key, code, message)] errors)."""
    tree = parse_xml(body, expect="DeleteResult")
    deleted = [_text(d, "Key") for d in tree.findall("Deleted")]
    errors = [(_text(e, "Key"), _text(e, "Code"), _text(e, "Message")) for e in tree.findall("Error")]
    return deleted, errors


def parse_versioning(body: bytes) -> str:
    return _text(parse_xml(body), "Status")


# Characters XML 1.0 cannot carry, not even as &#N; (a key may hold them: S3 keys are any UTF-8).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def can_carry(text: str) -> bool:
    """Whether ``text`` can travel in an XML request body (``build_delete``)."""
    return not _NOT_XML.search(text)


def build_delete(keys: list[str]) -> bytes:
    root = ET.Element("Delete")
    ET.SubElement(root, "Quiet").text = "false"
    for key in keys:
        obj = ET.SubElement(root, "Object")
        ET.SubElement(obj, "Key").text = key
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def build_complete_multipart(parts: list[tuple[int, str]]) -> bytes:
    root = ET.Element("CompleteMultipartUpload")
    for number, etag in parts:
        part = ET.SubElement(root, "Part")
        ET.SubElement(part, "PartNumber").text = str(number)
        ET.SubElement(part, "ETag").text = etag
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def build_create_bucket(location: str) -> bytes:
    root = ET.Element("CreateBucketConfiguration", xmlns=S3_NS)
    ET.SubElement(root, "LocationConstraint").text = location
    return ET.tostring(root, encoding="utf-8")


def parse_payer(body: bytes) -> str:
    return _text(parse_xml(body), "Payer")


def parse_ownership(body: bytes) -> str:
    return _text(parse_xml(body), ".//ObjectOwnership")


def parse_public_access_block(body: bytes) -> list[str]:
    """The names of the Block Public Access settings that are on."""
    tree = parse_xml(body)
    return [child.tag for child in tree if (child.text or "").strip().lower() == "true"]


# -- bucket and object settings (setacl, tagging, website, lifecycle, logging) -----------

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
_GRANTEE_TYPES = {"ID": "CanonicalUser", "EmailAddress": "AmazonCustomerByEmail", "URI": "Group"}


@dataclass(frozen=True)
class AclEntry:
    """One grant as S3 stores it: ``kind`` is the grantee's element (``ID``, ``EmailAddress``, ``URI``)."""

    kind: str
    name: str
    permission: str
    display_name: str = ""

    @property
    def label(self) -> str:
        """How s3cmd names the grantee in ``info``: display name, ``*anon*``, else the id/address/URI."""
        if self.display_name:
            return self.display_name
        return "*anon*" if self.is_all_users else self.name

    @property
    def is_all_users(self) -> bool:
        return self.kind == "URI" and self.name == ALL_USERS

    def matches(self, who: str) -> bool:
        """s3cmd compares grantees case-insensitively, by name or display name."""
        who = who.lower()
        return self.name.lower() == who or (bool(self.display_name) and self.display_name.lower() == who)


@dataclass(frozen=True)
class AccessControlPolicy:
    owner_id: str
    owner_name: str
    grants: tuple[AclEntry, ...]


def parse_access_control_policy(body: bytes) -> AccessControlPolicy:
    tree = parse_xml(body, expect="AccessControlPolicy")
    grants = []
    for grant in tree.iter("Grant"):
        grantee = grant.find("Grantee")
        if grantee is None:
            continue
        fields = {child.tag: (child.text or "") for child in grantee}
        kind = next((tag for tag in ("URI", "EmailAddress", "ID") if fields.get(tag)), "ID")
        grants.append(AclEntry(kind, fields.get(kind, ""), _text(grant, "Permission"), fields.get("DisplayName", "")))
    return AccessControlPolicy(_text(tree, "Owner/ID"), _text(tree, "Owner/DisplayName"), tuple(grants))


def build_access_control_policy(policy: AccessControlPolicy) -> bytes:
    ET.register_namespace("xsi", XSI_NS)
    root = ET.Element("AccessControlPolicy", xmlns=S3_NS)
    owner = ET.SubElement(root, "Owner")
    ET.SubElement(owner, "ID").text = policy.owner_id
    if policy.owner_name:
        ET.SubElement(owner, "DisplayName").text = policy.owner_name
    grants = ET.SubElement(root, "AccessControlList")
    for entry in policy.grants:
        grant = ET.SubElement(grants, "Grant")
        grantee = ET.SubElement(grant, "Grantee", {f"{{{XSI_NS}}}type": _GRANTEE_TYPES.get(entry.kind, "CanonicalUser")})
        ET.SubElement(grantee, entry.kind).text = entry.name
        ET.SubElement(grant, "Permission").text = entry.permission
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def build_document(root_tag: str, *children: tuple[str, str]) -> bytes:
    """A flat S3 configuration document: ``<Root xmlns=…><A>a</A>…</Root>``."""
    root = ET.Element(root_tag, xmlns=S3_NS)
    for tag, text in children:
        ET.SubElement(root, tag).text = text
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def build_ownership(ownership: str) -> bytes:
    root = ET.Element("OwnershipControls", xmlns=S3_NS)
    ET.SubElement(ET.SubElement(root, "Rule"), "ObjectOwnership").text = ownership
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def build_tagging(tags: list[tuple[str, str]]) -> bytes:
    root = ET.Element("Tagging", xmlns=S3_NS)
    tag_set = ET.SubElement(root, "TagSet")
    for key, value in tags:
        tag = ET.SubElement(tag_set, "Tag")
        ET.SubElement(tag, "Key").text = key
        ET.SubElement(tag, "Value").text = value
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def parse_tagging(body: bytes) -> list[tuple[str, str]]:
    return [(_text(tag, "Key"), _text(tag, "Value")) for tag in parse_xml(body).iter("Tag")]


def build_website(index: str, error: str) -> bytes:
    root = ET.Element("WebsiteConfiguration", xmlns=S3_NS)
    ET.SubElement(ET.SubElement(root, "IndexDocument"), "Suffix").text = index
    if error:
        ET.SubElement(ET.SubElement(root, "ErrorDocument"), "Key").text = error
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def parse_website(body: bytes) -> tuple[str, str]:
    """→ (index document suffix, error document key); '' where unset."""
    tree = parse_xml(body)
    return _text(tree, ".//IndexDocument/Suffix"), _text(tree, ".//ErrorDocument/Key")


def build_expiration(*, prefix: str, days: str, date: str) -> bytes:
    root = ET.Element("LifecycleConfiguration", xmlns=S3_NS)
    rule = ET.SubElement(root, "Rule")
    ET.SubElement(ET.SubElement(rule, "Filter"), "Prefix").text = prefix
    ET.SubElement(rule, "Status").text = "Enabled"
    expiration = ET.SubElement(rule, "Expiration")
    if date:
        ET.SubElement(expiration, "Date").text = date
    else:
        ET.SubElement(expiration, "Days").text = days
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@dataclass(frozen=True)
class ExpirationRule:
    """What ``info`` shows of a lifecycle configuration: its first rule's prefix and expiration."""

    prefix: str
    days: str
    date: str


def parse_expiration_rule(body: bytes) -> ExpirationRule | None:
    tree = parse_xml(body)
    if tree.tag != "LifecycleConfiguration":
        return None
    prefix = tree.find(".//Rule//Prefix")
    if prefix is None:
        return None
    return ExpirationRule(prefix.text or "", _text(tree, ".//Rule//Expiration//Days"),
                          _text(tree, ".//Rule//Expiration//Date"))


def build_logging(*, target_bucket: str = "", target_prefix: str = "", public: bool = False) -> bytes:
    """``BucketLoggingStatus``: logging on when ``target_bucket`` is given, else off."""
    ET.register_namespace("xsi", XSI_NS)
    root = ET.Element("BucketLoggingStatus", xmlns=S3_NS)
    if target_bucket:
        enabled = ET.SubElement(root, "LoggingEnabled")
        ET.SubElement(enabled, "TargetBucket").text = target_bucket
        ET.SubElement(enabled, "TargetPrefix").text = target_prefix
        if public:
            grant = ET.SubElement(ET.SubElement(enabled, "TargetGrants"), "Grant")
            grantee = ET.SubElement(grant, "Grantee", {f"{{{XSI_NS}}}type": "Group"})
            ET.SubElement(grantee, "URI").text = ALL_USERS
            ET.SubElement(grant, "Permission").text = "READ"
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def parse_logging(body: bytes) -> tuple[str, str] | None:
    """→ (target bucket, target prefix) when logging is on, else None."""
    enabled = parse_xml(body).find(".//LoggingEnabled")
    if enabled is None:
        return None
    return _text(enabled, "TargetBucket"), _text(enabled, "TargetPrefix")


def pretty(body: bytes) -> str:
    """An S3 document indented for people (``getlifecycle``, ``getnotification``), as s3cmd prints it.

    Parsed by the safe parser first, so minidom only ever sees a document expat accepted."""
    from xml.dom import minidom

    parse_xml(body)
    return minidom.parseString(body).toprettyxml()



# -- multipart housekeeping and restore (issue 10: multipart, listmp, abortmp, restore, UploadPartCopy) --


@dataclass(frozen=True)
class MultipartUpload:
    key: str
    upload_id: str
    initiated: str  # as the server wrote it: s3cmd prints it verbatim


@dataclass(frozen=True)
class UploadsPage:
    uploads: tuple[MultipartUpload, ...]
    truncated: bool
    next_key_marker: str
    next_upload_id_marker: str


@dataclass(frozen=True)
class Part:
    number: int
    etag: str
    size: int
    last_modified: str  # verbatim, as printed by listmp


@dataclass(frozen=True)
class PartsPage:
    parts: tuple[Part, ...]
    truncated: bool
    next_part_number_marker: int


def parse_uploads_page(body: bytes) -> UploadsPage:
    tree = parse_xml(body, expect="ListMultipartUploadsResult")
    uploads = tuple(
        MultipartUpload(_text(u, "Key"), _text(u, "UploadId"), _text(u, "Initiated"))
        for u in tree.findall("Upload")
    )
    truncated = _text(tree, "IsTruncated", "false").lower() == "true"
    return UploadsPage(uploads, truncated, _text(tree, "NextKeyMarker"), _text(tree, "NextUploadIdMarker"))


def parse_parts_page(body: bytes) -> PartsPage:
    tree = parse_xml(body)
    if tree.tag not in ("ListPartsResult", "ListPartsResponse"):  # moto answers the latter
        raise MalformedAnswer(f"the endpoint answered XML <{tree.tag[:40]}>, not S3's <ListPartsResult>")
    parts = tuple(
        Part(_int(p, "PartNumber"), _text(p, "ETag"), _int(p, "Size"), _text(p, "LastModified"))
        for p in tree.findall("Part")
    )
    truncated = _text(tree, "IsTruncated", "false").lower() == "true"
    return PartsPage(parts, truncated, _int(tree, "NextPartNumberMarker"))


def build_restore(days: int, tier: str) -> bytes:
    root = ET.Element("RestoreRequest", xmlns=S3_NS)
    ET.SubElement(root, "Days").text = str(days)
    ET.SubElement(ET.SubElement(root, "GlacierJobParameters"), "Tier").text = tier
    return ET.tostring(root, encoding="utf-8")


_ENTITY = re.compile(r"&(#[xX][0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def unescape_entities(text: str) -> str:
    """XML character references and the five named entities, control characters included
    (which ``html.unescape`` drops and expat refuses): how a key with one is listed."""
    def replace(found: re.Match[str]) -> str:
        name = found.group(1)
        if name[0] != "#":
            return _NAMED[name]
        number = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        return chr(number) if number <= 0x10FFFF else found.group(0)
    return _ENTITY.sub(replace, text)
