"""What the OpenAPI description says of a request body and an answer, for both APIs, and /docs: that description as
one page with no scripts and no external assets.

The endpoints read their bodies themselves (LibreTranslate's JSON, form fields and query string; /v1's JSON or form
with an upload), so FastAPI cannot infer them: each declares its body here, every content type it reads, with
examples.  /docs renders exactly what /openapi.json says, so the two cannot disagree.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import urlencode

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_CODE = re.compile(r"(`+)(.+?)\1")  # Markdown's `code` and reStructuredText's ``code``


def client_schema(schema: dict[str, Any], fields: tuple[str, ...] | None = None, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """A pydantic model's JSON schema as a client sends it: each field without the "null" and default that only mean
    "not sent" (``fields``: these only, in this order), and ``required`` as given."""
    props = schema["properties"]
    names = fields if fields is not None else tuple(props)
    result: dict[str, Any] = {"type": "object", "properties": {name: _given(props[name]) for name in names}}
    if required:
        result["required"] = list(required)
    for key in ("description", "additionalProperties"):
        if key in schema:
            result[key] = schema[key]
    return result


def _given(prop: dict[str, Any]) -> dict[str, Any]:
    prop = {key: value for key, value in prop.items() if key not in ("default", "title")}
    kinds = [kind for kind in prop.pop("anyOf", []) if kind != {"type": "null"}]
    return {**(kinds[0] if len(kinds) == 1 else {"anyOf": kinds} if kinds else {}), **prop}


def as_form(schema: dict[str, Any], **extra: dict[str, Any]) -> dict[str, Any]:
    """``schema`` as form fields, all text (``extra``: more fields, such as an uploaded file)."""
    props = {name: {"type": "string", "description": prop.get("description", "")} for name, prop in schema["properties"].items()}
    result = {key: value for key, value in schema.items() if key != "additionalProperties"}
    return {**result, "properties": {**props, **extra}}


def body(json_schema: dict[str, Any], form_schema: dict[str, Any], examples: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """An operation's ``requestBody``: JSON and both form encodings, each with its examples (``name: (summary, value)``);
    a form gets those examples whose values are all text."""
    as_json = {name: {"summary": summary, "value": value} for name, (summary, value) in examples.items()}
    as_fields = {name: {"summary": summary, "value": value} for name, (summary, value) in examples.items()
                 if all(isinstance(field, str) for field in value.values())}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": json_schema, "examples": as_json},
                **{kind: {"schema": form_schema, "examples": as_fields} for kind in FORM_TYPES},
            },
        }
    }


def answer(description: str, example: Any, media_type: str = "application/json") -> dict[str, Any]:
    """An operation's 200 answer, with an example."""
    return {"responses": {"200": {"description": description, "content": {media_type: {"example": example}}}}}


# -- /docs ---------------------------------------------------------------------------------------------------------

STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}"
    "h2{font-size:17px;margin:.2em 0}h2 .m{background:#234;color:#fff;padding:1px 6px;border-radius:3px;font-size:12px}"
    "h3{font-size:14px;margin:.8em 0 .2em}section{border-top:1px solid #ddd;padding:10px 0}.d{color:#555}"
    "table{border-collapse:collapse;width:100%;font-size:14px}td,th{border-bottom:1px solid #eee;padding:3px 6px;"
    "text-align:left;vertical-align:top}th{font-weight:600}pre{background:#f6f8fa;padding:8px;overflow-x:auto;"
    "white-space:pre-wrap;overflow-wrap:anywhere;font-size:13px}code{font-size:13px;background:#f3f3f3;padding:0 3px}"
    "nav a{margin-right:1em;white-space:nowrap}td code{overflow-wrap:anywhere}"
)


def inline(text: str) -> str:
    """A description as HTML: escaped, its `code` spans set as code (never printed with their backticks)."""
    return _CODE.sub(lambda match: f"<code>{match.group(2)}</code>", html.escape(text, quote=False))


def _type(prop: dict[str, Any]) -> str:
    if "anyOf" in prop:
        return " or ".join(_type(kind) for kind in prop["anyOf"])
    if "enum" in prop:
        return " | ".join(json.dumps(value) for value in prop["enum"])
    kind = prop.get("type", "any")
    if kind == "array":
        return f"list of {_type(prop.get('items', {}))}"
    if kind == "object" and "additionalProperties" in prop and isinstance(prop["additionalProperties"], dict):
        return f"object of {_type(prop['additionalProperties'])}"
    if prop.get("format") == "binary":
        return "file"
    return str(kind)


def _fields(schema: dict[str, Any], form_only: dict[str, Any]) -> str:
    required = set(schema.get("required", ()))
    rows = "".join(
        f"<tr><td><code>{html.escape(name)}</code>{' (required)' if name in required else ''}{' (form only)' if only else ''}</td>"
        f"<td>{html.escape(_type(prop))}</td><td>{inline(str(prop.get('description', '')))}</td></tr>"
        for props, only in ((schema.get("properties", {}), False), (form_only, True))
        for name, prop in props.items()
    )
    note = f"<p class=d>{inline(schema['description'])}</p>" if schema.get("description") else ""
    return f"{note}<table><tr><th>Field</th><th>Type</th><th>Meaning</th></tr>{rows}</table>"


def _example(kind: str, value: Any) -> str:
    if kind == "application/x-www-form-urlencoded" and isinstance(value, dict):
        return urlencode(value)
    return json.dumps(value, ensure_ascii=False, indent=2)


def _examples(kind: str, media: dict[str, Any]) -> str:
    shown = [(example.get("summary", name), example.get("value")) for name, example in media.get("examples", {}).items()]
    if "example" in media:
        shown.append(("", media["example"]))
    return "".join(
        f"<p class=d>{inline(summary) + ' ' if summary else ''}(<code>{html.escape(kind)}</code>)</p><pre>{html.escape(_example(kind, value))}</pre>"
        for summary, value in shown
    )


def _request(content: dict[str, Any]) -> str:
    """The body's fields once (from its JSON schema; fields only a form has, such as an upload, marked so), its
    content types, the JSON examples and a form example."""
    if not content:
        return "<p class=d>No body.</p>"
    kinds = list(content)
    main = content.get("application/json", content[kinds[0]])
    schema = main.get("schema", {})
    form_only = {name: prop for kind in kinds for name, prop in content[kind].get("schema", {}).get("properties", {}).items()
                 if name not in schema.get("properties", {})}
    accepted = ", ".join(f"<code>{html.escape(kind)}</code>" for kind in kinds)
    form = next((kind for kind in ("application/x-www-form-urlencoded", "multipart/form-data") if content.get(kind, {}).get("examples")), None)
    examples = _examples("application/json" if "application/json" in content else kinds[0], main)
    if form is not None:
        first = dict(list(content[form]["examples"].items())[:1])
        examples += _examples(form, {"examples": first})
    return f"<p>Body as {accepted}; a form's fields are all text.</p>{_fields(schema, form_only)}{examples}" if len(kinds) > 1 \
        else f"<p>Body as {accepted}.</p>{_fields(schema, form_only)}{examples}"


def _operation(path: str, method: str, op: dict[str, Any]) -> str:
    request = _request(op.get("requestBody", {}).get("content", {}))
    answers = "".join(
        f"<p class=d>{html.escape(status)}: {inline(str(response.get('description', '')))}</p>"
        + "".join(_examples(kind, media) for kind, media in response.get("content", {}).items())
        for status, response in op.get("responses", {}).items()
        if status.startswith("2") and any("example" in media or "examples" in media for media in response.get("content", {}).values())
    )
    anchor = html.escape(f"{method}-{path}".replace("/", "-"))
    return (
        f"<section id=\"{anchor}\"><h2><span class=m>{html.escape(method.upper())}</span> <code>{html.escape(path)}</code></h2>"
        f"<p>{inline(op.get('summary', ''))}</p><p class=d>{inline(op.get('description', '') or '')}</p>"
        f"<h3>Request</h3>{request}{'<h3>Answer</h3>' + answers if answers else ''}</section>"
    )


def docs_page(spec: dict[str, Any]) -> str:
    """The whole /docs page for ``spec`` (the app's OpenAPI description)."""
    operations = [(path, method, op) for path, methods in spec.get("paths", {}).items() for method, op in methods.items()]
    index = "".join(
        f"<a href=\"#{html.escape(f'{method}-{path}'.replace('/', '-'))}\">{html.escape(method.upper())} {html.escape(path)}</a> "
        for path, method, _ in operations
    )
    info = spec["info"]
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{html.escape(info['title'])} API</title><style>{STYLE}</style></head><body>"
        f"<h1>{html.escape(info['title'])} {html.escape(info['version'])}</h1>"
        f"<p>{inline(info.get('description', ''))} Machine-readable: <a href=/openapi.json>/openapi.json</a>.</p>"
        f"<nav>{index}</nav>"
        + "".join(_operation(path, method, op) for path, method, op in operations)
        + "</body></html>"
    )
