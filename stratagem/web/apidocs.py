"""The API documentation page: the app's OpenAPI description rendered on the server as plain HTML.

FastAPI's own /docs page loads Swagger UI from a CDN, which the Content-Security-Policy (and an
offline machine) does not allow; this page needs nothing but the app itself.
"""

from __future__ import annotations

from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


def type_of(schema: dict[str, Any]) -> str:
    """A short human name for a JSON schema: ``integer``, ``list of string``, ``RunRequest``, ``a or b``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " or ".join(type_of(s) for s in schema[key])
    kind = schema.get("type")
    if kind == "array":
        return "list of " + type_of(schema.get("items", {}))
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    return str(kind or "any")


def docs_context(spec: dict[str, Any]) -> dict[str, Any]:
    """What the template needs: operations grouped by tag, and the schemas' fields."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [{"name": p["name"], "where": p.get("in", ""), "required": bool(p.get("required")),
                       "type": type_of(p.get("schema", {})),
                       "description": p.get("description") or p.get("schema", {}).get("description", "")}
                      for p in op.get("parameters", [])]
            body = ""
            content = op.get("requestBody", {}).get("content", {})
            for media, entry in content.items():
                body = f"{media}: {type_of(entry.get('schema', {}))}"
                break
            responses = [(code, r.get("description", "")) for code, r in op.get("responses", {}).items()]
            tag = (op.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append({
                "id": op.get("operationId", f"{method}-{path}"), "method": method.upper(), "path": path,
                "summary": op.get("summary", ""), "description": op.get("description", ""),
                "parameters": params, "body": body, "responses": responses})
    schemas = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        fields = [{"name": f, "type": type_of(s), "required": f in required, "description": s.get("description", "")}
                  for f, s in schema.get("properties", {}).items()]
        schemas.append((name, fields))
    return {"info": spec.get("info", {}), "openapi_version": spec.get("openapi", ""),
            "groups": sorted(groups.items()), "schemas": schemas}
