"""S3 XML answers → plain dataclasses. Namespaces are dropped; nothing else is trusted."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from dateutil.parser import isoparse

from S3.errors import ServerAnswerError

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
        return isoparse(text)
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


def parse_list_page(body: bytes) -> ListPage:
    tree = parse_xml(body, expect="ListBucketResult")
    objects = tuple(
        ObjectEntry(
            key=_text(c, "Key"),
            size=_int(c, "Size"),
            last_modified=_date(c, "LastModified"),
            etag=_text(c, "ETag"),
            storage_class=_text(c, "StorageClass", "STANDARD"),
        )
        for c in tree.findall("Contents")
    )
    prefixes = tuple(_text(p, "Prefix") for p in tree.findall("CommonPrefixes"))
    truncated = _text(tree, "IsTruncated", "false").lower() == "true"
    marker = _text(tree, "NextMarker")
    if truncated and not marker:
        candidates = [o.key for o in objects] + list(prefixes)
        marker = max(candidates) if candidates else ""
    return ListPage(objects, prefixes, truncated, marker)


def parse_location(body: bytes) -> str:
    tree = parse_xml(body)
    return tree.text or ""


def parse_upload_id(body: bytes) -> str:
    return _text(parse_xml(body, expect="InitiateMultipartUploadResult"), "UploadId")


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


@dataclass(frozen=True)
class Grant:
    grantee: str
    permission: str


def parse_acl(body: bytes) -> list[Grant]:
    tree = parse_xml(body)
    grants = []
    for grant in tree.iter("Grant"):
        grantee = grant.find("Grantee")
        if grantee is None:
            continue
        uri = _text(grantee, "URI")
        if uri.endswith("/AllUsers"):
            who = "*anon*"
        elif uri.endswith("/AuthenticatedUsers"):
            who = "*authenticated*"
        else:
            who = _text(grantee, "DisplayName") or _text(grantee, "ID") or _text(grantee, "EmailAddress")
        grants.append(Grant(who, _text(grant, "Permission")))
    return grants


def parse_versioning(body: bytes) -> str:
    return _text(parse_xml(body), "Status")


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


def parse_expiration(body: bytes) -> str:
    """s3cmd's one-line summary of the first enabled expiration rule, or ''."""
    for rule in parse_xml(body).iter("Rule"):
        if _text(rule, "Status") != "Enabled" or rule.find("Expiration") is None:
            continue
        prefix = _text(rule, "Prefix") or _text(rule, "Filter/Prefix")
        days, date = _text(rule, "Expiration/Days"), _text(rule, "Expiration/Date")
        when = f"in '{days}' day(s) after creation" if days else f"on '{date}'"
        return f"objects with key prefix '{prefix}' will expire {when}"
    return ""


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
