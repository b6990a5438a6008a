"""The error answers of every operation, in the OpenAPI schema (api.md, "Errors").

Every 4xx has a JSON body: `{"detail": "...", "code": "..."}`, or for a 400 the messages by
field. drf-spectacular documents only the successful answer and the errors a view names; this
postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) adds the others each
operation can give, and the body of each, so that a client generated from the schema, and the
API fuzzer's conformance checks (tests/customs_portal/api/), know every answer they may get.
"""

ERROR = {
    "type": "object",
    "description": "What is wrong, in the caller's language; `code` names the case for programs where there is one.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERRORS = {
    "type": "object",
    "description": 'The messages by field: `{"field": ["message"]}`, nested objects and item lists as the body '
                   'nests them (`{"items": [{}, {"hs_code": ["…"]}]}`); `detail` when the body as a whole is refused '
                   "(not JSON, a NUL character).",
    "additionalProperties": True,
}

SECURED = {
    "401": "Not signed in: no token, or a token that is unknown or expired",
    "403": "Not allowed for this role",
}
WITH_PATH = {"404": "No such object for this user"}
PAGINATED = {"404": "No such page"}
WITH_BODY = {"415": "The body is not in a media type this operation accepts"}
ANY = {"400": "Validation errors by field, or a request refused as a whole",
       "406": "The `Accept` header asks for a media type this operation cannot give",
       "429": "Too many requests: wait and retry (`Retry-After` says how long)"}


def _json(schema_name: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}


def _is_secured(operation: dict, default_security: list) -> bool:
    security = operation.get("security", default_security)
    return bool(security) and {} not in security


def schema_error_responses_add(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["ValidationErrors"] = VALIDATION_ERRORS
    for path in result["paths"].values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            parameters = operation.get("parameters", [])
            expected = dict(ANY)
            if _is_secured(operation, result.get("security", [])):
                expected.update(SECURED)
            if any(parameter["in"] == "path" for parameter in parameters):
                expected.update(WITH_PATH)
            elif any(parameter["in"] == "query" and parameter["name"] == "page" for parameter in parameters):
                expected.update(PAGINATED)
            if "requestBody" in operation:
                expected.update(WITH_BODY)
            responses = operation["responses"]
            for status, description in expected.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status.startswith("4") and "content" not in response:
                    response["content"] = _json("ValidationErrors" if status == "400" else "Error")
    return result
