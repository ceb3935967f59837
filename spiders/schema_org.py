"""schema.org `JobPosting` on web pages: read JSON-LD blocks the way browsers tolerate them
(trailing commas, raw control characters, comments, CDATA and HTML-comment wrappers, several
values in one block), find JobPosting nodes (`@graph`, lists, nested entities, `@type` arrays),
and turn microdata items into the same JSON-LD shape. Pure functions: no Scrapy, no network."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from parsel import Selector

LD_JSON_XPATH = ("//script[contains(translate(@type, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
                 "'abcdefghijklmnopqrstuvwxyz'), 'ld+json')]/text()")
MICRODATA_XPATH = "//*[@itemscope][contains(@itemtype, 'JobPosting')]"
_WRAPPER_PREFIXES = ("<!--", "//<![CDATA[", "/*<![CDATA[*/", "<![CDATA[")
_WRAPPER_SUFFIXES = ("-->", "//]]>", "/*]]>*/", "]]>")
_VALID_ESCAPES = set('"\\/bfnrtu')
_CONTROL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
MAX_NESTING = 8


@dataclass
class PageData:
    """What one page holds: its JobPosting nodes and how many blocks needed repair or failed."""

    postings: list[dict[str, Any]] = field(default_factory=list)
    other_nodes: list[dict[str, Any]] = field(default_factory=list)  # non-JobPosting top-level nodes
    blocks: int = 0
    repaired: int = 0
    invalid: int = 0
    from_microdata: bool = False


# --- lenient JSON ---------------------------------------------------------------------------
def strip_wrappers(text: str) -> str:
    """Remove the HTML-comment and CDATA wrappers sites put around a JSON-LD block, and a final `;`."""
    text = text.strip().lstrip("\ufeff").strip()
    changed = True
    while changed:
        changed = False
        for prefix in _WRAPPER_PREFIXES:
            if text.startswith(prefix):
                text, changed = text[len(prefix):].strip(), True
        for suffix in _WRAPPER_SUFFIXES:
            if text.endswith(suffix):
                text, changed = text[: -len(suffix)].strip(), True
        if text.endswith(";"):
            text, changed = text[:-1].strip(), True
    return text


def repair_json(text: str) -> str:
    """Make browser-tolerated JSON strict: drop comments and trailing commas outside strings, escape
    raw control characters and drop backslashes before characters JSON cannot escape inside strings."""
    out: list[str] = []
    index, length = 0, len(text)
    in_string = False
    while index < length:
        char = text[index]
        if in_string:
            if char == "\\" and index + 1 < length:
                following = text[index + 1]
                out.append(char + following if following in _VALID_ESCAPES else following)
                index += 2
                continue
            if char == '"':
                in_string = False
            elif ord(char) < 32:
                char = _CONTROL_ESCAPES.get(char, f"\\u{ord(char):04x}")
            out.append(char)
            index += 1
            continue
        if char == '"':
            in_string = True
        elif text.startswith("//", index):
            end = text.find("\n", index)
            index = length if end == -1 else end
            continue
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            index = length if end == -1 else end + 2
            continue
        elif text.startswith("<!--", index) or text.startswith("-->", index):
            index += 4 if text.startswith("<!--", index) else 3
            continue
        elif char == ",":
            rest = text[index + 1:].lstrip()
            if not rest or rest[0] in "}]" or rest[0] == ",":
                index += 1
                continue
        out.append(char)
        index += 1
    return "".join(out)


def _decode_all(text: str) -> list[Any]:
    """Every JSON value in `text`, also several written one after another."""
    decoder = json.JSONDecoder(strict=False)
    values, index = [], 0
    while index < len(text):
        while index < len(text) and text[index] in " \t\r\n;,":
            index += 1
        if index >= len(text):
            break
        value, index = decoder.raw_decode(text, index)
        values.append(value)
    return values


def loads_lenient(block: str) -> tuple[list[Any], bool]:
    """(values, repaired) from one JSON-LD block; raises ValueError when nothing can be read."""
    text = strip_wrappers(block)
    if not text:
        return [], False
    try:
        return [json.loads(text, strict=False)], False
    except ValueError:
        pass
    candidates = [text]
    if "&quot;" in text or "&#34;" in text:  # the whole block was entity-escaped by a template
        candidates.append(html.unescape(text))
    for candidate in candidates:
        for attempt in (candidate, repair_json(candidate)):
            try:
                return _decode_all(attempt), True
            except ValueError:
                continue
    raise ValueError("unreadable JSON-LD block")


# --- finding JobPosting nodes ---------------------------------------------------------------
def type_names(node: dict[str, Any]) -> list[str]:
    """`@type` (or microdata `type`) as bare names: "schema:JobPosting" and full IRIs become "JobPosting"."""
    names = []
    for value in node.get("@type") if isinstance(node.get("@type"), list) else [node.get("@type")]:
        if isinstance(value, str) and value.strip():
            names.append(re.split(r"[/#:]", value.strip())[-1])
    return names


def is_job_posting(node: Any) -> bool:
    return isinstance(node, dict) and any(name.lower() == "jobposting" for name in type_names(node))


def iter_job_postings(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """JobPosting nodes anywhere in a JSON-LD value: lists, `@graph`, `mainEntity` and other nesting."""
    if depth > MAX_NESTING:
        return
    if isinstance(value, list):
        for entry in value:
            yield from iter_job_postings(entry, depth + 1)
    elif isinstance(value, dict):
        if is_job_posting(value):
            yield value
            return
        for key, entry in value.items():
            if key != "@context" and isinstance(entry, dict | list):
                yield from iter_job_postings(entry, depth + 1)


def iter_top_nodes(value: Any) -> Iterator[dict[str, Any]]:
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, dict):
            graph = entry.get("@graph")
            yield from (node for node in (graph if isinstance(graph, list) else [entry]) if isinstance(node, dict))


# --- microdata --------------------------------------------------------------------------------
def microdata_to_jsonld(item: Any) -> Any:
    """extruct's `{"type", "properties"}` items as JSON-LD-like dicts with `@type`."""
    if isinstance(item, list):
        return [microdata_to_jsonld(entry) for entry in item]
    if not isinstance(item, dict) or "properties" not in item:
        return item
    node: dict[str, Any] = {"@type": item.get("type")}
    for name, value in (item.get("properties") or {}).items():
        node[name] = microdata_to_jsonld(value)
    return node


def _microdata_postings(selector: Selector, page_html: str, url: str) -> list[dict[str, Any]]:
    scopes = selector.xpath(MICRODATA_XPATH)
    if not scopes:
        return []
    from extruct.w3cmicrodata import MicrodataExtractor  # heavy import: only for pages that need it

    items = MicrodataExtractor().extract(page_html, base_url=url)
    postings = [node for node in iter_job_postings(microdata_to_jsonld(items))]
    # extruct keeps only the description's text; keep its HTML, for headings and lists
    for posting, scope in zip(postings, scopes, strict=False):
        description = scope.xpath(".//*[@itemprop='description'][1]")
        if description:
            inner = "".join(description[0].xpath("node()").getall()).strip()
            if inner:
                posting["description"] = inner
    return postings


def extract_page(page_html: str, url: str, selector: Selector | None = None) -> PageData:
    """JobPosting nodes of one HTML page: JSON-LD first, microdata when JSON-LD has none."""
    selector = selector if selector is not None else Selector(text=page_html)
    page = PageData()
    for block in selector.xpath(LD_JSON_XPATH).getall():
        if not block.strip():
            continue
        page.blocks += 1
        try:
            values, repaired = loads_lenient(block)
        except ValueError:
            page.invalid += 1
            continue
        page.repaired += int(repaired)
        for value in values:
            page.postings.extend(iter_job_postings(value))
            page.other_nodes.extend(node for node in iter_top_nodes(value) if not is_job_posting(node))
    if page.postings:
        page.postings = [resolve_references(posting, index_ids(page.postings + page.other_nodes))
                         for posting in page.postings]
    else:
        page.postings = _microdata_postings(selector, page_html, url)
        page.from_microdata = bool(page.postings)
    return page


def index_ids(nodes: list[Any], depth: int = 0, found: dict[str, dict] | None = None) -> dict[str, dict]:
    """Every node with an `@id` and more than that, by its id (`@graph` pages link nodes by id)."""
    found = {} if found is None else found
    if depth > MAX_NESTING:
        return found
    for node in nodes:
        if isinstance(node, dict):
            if isinstance(node.get("@id"), str) and len(node) > 1:
                found.setdefault(node["@id"], node)
            index_ids([value for value in node.values() if isinstance(value, dict | list)], depth + 1, found)
        elif isinstance(node, list):
            index_ids(node, depth + 1, found)
    return found


def resolve_references(posting: dict[str, Any], by_id: dict[str, dict]) -> dict[str, Any]:
    """A posting whose `{"@id": ...}`-only values (hiringOrganization, jobLocation) are the nodes they name."""

    def resolve(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"@id"} and value["@id"] in by_id:
            return by_id[value["@id"]]
        if isinstance(value, list):
            return [resolve(entry) for entry in value]
        return value

    return {key: resolve(value) for key, value in posting.items()}


def item_list_urls(nodes: list[dict[str, Any]]) -> list[str]:
    """URLs of an `ItemList` (a listing page's list of its jobs)."""
    urls = []
    for node in nodes:
        if "ItemList" not in type_names(node):
            continue
        elements = node.get("itemListElement")
        for element in elements if isinstance(elements, list) else [elements]:
            if isinstance(element, str):
                urls.append(element)
            elif isinstance(element, dict):
                target = element.get("url") or element.get("item")
                if isinstance(target, dict):
                    target = target.get("url") or target.get("@id")
                if isinstance(target, str) and target.strip():
                    urls.append(target.strip())
    return urls
