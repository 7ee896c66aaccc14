"""CloudFront API 2020-05-31 XML: answers → frozen dataclasses, and the request bodies.

A distribution's configuration is kept as the element tree the service sent and edited in
place (``edit_config``), so that ``cfmodify`` sends back every setting it does not know
about (cache behaviours, certificates, …) as it found it. CloudFront's schema is an
``xs:sequence``: a missing element is inserted at its place in ``CONFIG_ORDER``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from S3.s3.xml import MalformedAnswer, parse_xml

API_VERSION = "2020-05-31"
NAMESPACE = f"http://cloudfront.amazonaws.com/doc/{API_VERSION}/"
# AWS's managed cache policy "CachingOptimized": what the console picks for an S3 origin.
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CONFIG_ORDER = ("CallerReference", "Aliases", "DefaultRootObject", "Origins", "OriginGroups", "DefaultCacheBehavior",
                "CacheBehaviors", "CustomErrorResponses", "Comment", "Logging", "PriceClass", "Enabled",
                "ViewerCertificate", "Restrictions", "WebACLId", "HttpVersion", "IsIPV6Enabled",
                "ContinuousDeploymentPolicyId", "Staging")
# bucket.s3.amazonaws.com, bucket.s3.eu-west-1.amazonaws.com, bucket.s3-website-us-east-1.amazonaws.com, …
_S3_HOST = re.compile(r"^(?P<bucket>.+?)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class Origin:
    domain_name: str
    s3: bool  # an S3 origin (S3OriginConfig), else a custom one (a website endpoint, any server)

    @property
    def bucket(self) -> str:
        """The bucket an origin host names, or "" (a custom origin that is not an S3 host)."""
        found = _S3_HOST.match(self.domain_name)
        return found.group("bucket") if found else ""

    def display(self) -> str:
        """As s3cmd prints an origin: ``s3://bucket/`` for S3, ``http://host/`` for a custom origin."""
        if self.s3 and self.bucket:
            return f"s3://{self.bucket}/"
        return f"http://{self.domain_name}/"


@dataclass(frozen=True)
class Logging:
    enabled: bool
    bucket_host: str
    prefix: str

    def display(self) -> str:
        if not self.enabled:
            return "Disabled"
        bucket = Origin(self.bucket_host, True).bucket or self.bucket_host
        return f"s3://{bucket}/{self.prefix}"


@dataclass(frozen=True)
class DistributionConfig:
    caller_reference: str
    origins: tuple[Origin, ...]
    cnames: tuple[str, ...]
    comment: str
    enabled: bool
    default_root_object: str
    logging: Logging


@dataclass(frozen=True)
class DistributionSummary:
    id: str
    status: str
    domain_name: str
    origins: tuple[Origin, ...]
    cnames: tuple[str, ...]
    enabled: bool


@dataclass(frozen=True)
class Distribution:
    id: str
    status: str
    domain_name: str
    config: DistributionConfig


@dataclass(frozen=True)
class Invalidation:
    id: str
    status: str
    create_time: str
    paths: tuple[str, ...]
    caller_reference: str


@dataclass(frozen=True)
class ListPage:
    items: tuple[ET.Element, ...]
    next_marker: str


def _text(node: ET.Element, path: str) -> str:
    found = node.find(path)
    return (found.text or "").strip() if found is not None else ""


def _flag(node: ET.Element, path: str) -> bool:
    return _text(node, path).lower() == "true"


def _required(node: ET.Element, path: str) -> str:
    value = _text(node, path)
    if not value:
        raise MalformedAnswer(f"CloudFront answered <{node.tag}> without <{path}>: is cloudfront_host CloudFront?")
    return value


def _origins(node: ET.Element) -> tuple[Origin, ...]:
    # an S3 origin has S3OriginConfig (which some servers omit when it is empty); a custom one
    # (a website endpoint, any server) has CustomOriginConfig
    return tuple(Origin(_text(item, "DomainName"), item.find("CustomOriginConfig") is None)
                 for item in node.findall("Origins/Items/Origin"))


def _cnames(node: ET.Element) -> tuple[str, ...]:
    # s3cmd shows (and compares) CNAMEs in lower case
    return tuple((alias.text or "").strip().lower() for alias in node.findall("Aliases/Items/CNAME"))


def parse_config_tree(node: ET.Element) -> DistributionConfig:
    log = node.find("Logging")
    logging = Logging(
        enabled=log is not None and _flag(log, "Enabled"),
        bucket_host=_text(log, "Bucket") if log is not None else "",
        prefix=_text(log, "Prefix") if log is not None else "",
    )
    return DistributionConfig(
        caller_reference=_text(node, "CallerReference"),
        origins=_origins(node),
        cnames=_cnames(node),
        comment=_text(node, "Comment"),
        enabled=_flag(node, "Enabled"),
        default_root_object=_text(node, "DefaultRootObject"),
        logging=logging,
    )


def parse_config(body: bytes) -> ET.Element:
    """The ``<DistributionConfig>`` tree, namespaces dropped (``serialize_config`` puts it back)."""
    return parse_xml(body, expect="DistributionConfig")


def parse_distribution(body: bytes) -> Distribution:
    tree = parse_xml(body, expect="Distribution")
    config = tree.find("DistributionConfig")
    if config is None:
        raise MalformedAnswer("CloudFront answered <Distribution> without <DistributionConfig>")
    return Distribution(id=_required(tree, "Id"), status=_text(tree, "Status"), domain_name=_text(tree, "DomainName"),
                        config=parse_config_tree(config))


def _page(body: bytes, root: str, item: str) -> ListPage:
    tree = parse_xml(body, expect=root)
    marker = _text(tree, "NextMarker") if _flag(tree, "IsTruncated") else ""
    return ListPage(tuple(tree.findall(f"Items/{item}")), marker)


def parse_distribution_list(body: bytes) -> tuple[list[DistributionSummary], str]:
    page = _page(body, "DistributionList", "DistributionSummary")
    summaries = [DistributionSummary(id=_required(node, "Id"), status=_text(node, "Status"),
                                     domain_name=_text(node, "DomainName"), origins=_origins(node),
                                     cnames=_cnames(node), enabled=_flag(node, "Enabled"))
                 for node in page.items]
    return summaries, page.next_marker


def parse_invalidation_list(body: bytes) -> tuple[list[str], str]:
    page = _page(body, "InvalidationList", "InvalidationSummary")
    return [_required(node, "Id") for node in page.items], page.next_marker


def parse_invalidation(body: bytes) -> Invalidation:
    tree = parse_xml(body, expect="Invalidation")
    return Invalidation(
        id=_required(tree, "Id"),
        status=_text(tree, "Status"),
        create_time=_text(tree, "CreateTime"),
        paths=tuple((path.text or "") for path in tree.findall("InvalidationBatch/Paths/Items/Path")),
        caller_reference=_text(tree, "InvalidationBatch/CallerReference"),
    )


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    child = ET.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


def serialize(tree: ET.Element) -> bytes:
    tree.set("xmlns", NAMESPACE)
    return ET.tostring(tree, encoding="utf-8", xml_declaration=True)


def new_config(*, caller_reference: str, origin_host: str, comment: str, enabled: bool = True) -> ET.Element:
    """A minimal configuration for an S3 origin, completed by ``edit_config`` (CNAMEs, logging, …)."""
    config = ET.Element("DistributionConfig")
    _sub(config, "CallerReference", caller_reference)
    origins = _sub(config, "Origins")
    _sub(origins, "Quantity", "1")
    origin = _sub(_sub(origins, "Items"), "Origin")
    origin_id = f"S3-{origin_host.split('.s3', 1)[0]}"
    _sub(origin, "Id", origin_id)
    _sub(origin, "DomainName", origin_host)
    _sub(_sub(origin, "S3OriginConfig"), "OriginAccessIdentity", "")
    behaviour = _sub(config, "DefaultCacheBehavior")
    _sub(behaviour, "TargetOriginId", origin_id)
    _sub(behaviour, "ViewerProtocolPolicy", "allow-all")
    _sub(behaviour, "CachePolicyId", CACHING_OPTIMIZED)
    _sub(config, "Comment", comment)
    _sub(config, "Enabled", "true" if enabled else "false")
    return config


def _child(config: ET.Element, tag: str) -> ET.Element:
    """``config``'s child ``tag``, inserted at its place in the schema's sequence when missing."""
    found = config.find(tag)
    if found is not None:
        return found
    rank = CONFIG_ORDER.index(tag)
    later = {name for name in CONFIG_ORDER[rank + 1:]}
    position = next((i for i, child in enumerate(config) if child.tag in later), len(config))
    created = ET.Element(tag)
    config.insert(position, created)
    return created


def _replace_children(node: ET.Element, *pairs: tuple[str, str]) -> None:
    for child in list(node):
        node.remove(child)
    for tag, text in pairs:
        _sub(node, tag, text)


@dataclass(frozen=True)
class ConfigChanges:
    """What ``cfcreate``/``cfmodify`` change; ``None``: leave as it is."""

    enabled: bool | None = None
    comment: str | None = None
    default_root_object: str | None = None
    cnames_add: Sequence[str] = ()
    cnames_remove: Sequence[str] = ()
    logging_host: str | None = None  # the log bucket's host name; "" turns logging off
    logging_prefix: str = ""


def edit_config(config: ET.Element, changes: ConfigChanges) -> None:
    if changes.enabled is not None:
        _child(config, "Enabled").text = "true" if changes.enabled else "false"
    if changes.comment is not None:
        _child(config, "Comment").text = changes.comment
    if changes.default_root_object is not None:
        _child(config, "DefaultRootObject").text = changes.default_root_object
    if changes.cnames_add or changes.cnames_remove:
        cnames = list(_cnames(config))
        cnames += [name.lower() for name in changes.cnames_add if name.lower() not in cnames]
        removed = {name.lower() for name in changes.cnames_remove}
        cnames = [name for name in cnames if name not in removed]
        aliases = _child(config, "Aliases")
        _replace_children(aliases, ("Quantity", str(len(cnames))))
        if cnames:
            items = _sub(aliases, "Items")
            for name in cnames:
                _sub(items, "CNAME", name)
    if changes.logging_host is not None:
        logging = _child(config, "Logging")
        cookies = _text(logging, "IncludeCookies") or "false"
        on = bool(changes.logging_host)
        # CloudFront wants all four elements, with empty Bucket and Prefix when logging is off
        _replace_children(logging, ("Enabled", "true" if on else "false"), ("IncludeCookies", cookies),
                          ("Bucket", changes.logging_host), ("Prefix", changes.logging_prefix if on else ""))


def build_invalidation(paths: Sequence[str], reference: str) -> bytes:
    batch = ET.Element("InvalidationBatch")
    listed = _sub(batch, "Paths")
    _sub(listed, "Quantity", str(len(paths)))
    items = _sub(listed, "Items")
    for path in paths:
        _sub(items, "Path", path if path.startswith("/") else "/" + path)
    _sub(batch, "CallerReference", reference)
    return serialize(batch)
