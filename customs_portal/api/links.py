"""OpenAPI links: which operation may follow which, and with what value (OpenAPI 3, "Link Object").

A link tells a client, and the stateful API fuzzer (tests/customs_portal/api/), that the `id` in a response is
the `id` of the next request: a created draft can be read, edited, submitted or cancelled; a
submitted declaration amended; a decision followed by another. drf-spectacular writes no links,
so this postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) adds them.
"""

# What may be done with a declaration, by the operation id of each and the name of its link.
DECLARATION_ACTIONS = {
    "GetDeclaration": "v1_declarations_retrieve",
    "EditDraft": "v1_declarations_partial_update",
    "SubmitDraft": "v1_declarations_submit_create",
    "AmendDeclaration": "v1_declarations_amend_create",
    "CancelDeclaration": "v1_declarations_cancel_create",
    "DecideOnDeclaration": "v1_declarations_decisions_create",
    "ListDocuments": "v1_declarations_documents_list",
    "UploadDocument": "v1_declarations_documents_create",
    "ListDocumentRequests": "v1_declarations_document_requests_list",
    "ListPayments": "v1_declarations_payments_list",
    "StartPayment": "v1_declarations_payments_create",
    "DownloadPDF": "v1_declarations_pdf_retrieve",
    "ListVersions": "v1_declarations_versions_list",
}

# (operation id, status code) -> where the declaration's id is in its response.
DECLARATION_SOURCES = {
    ("v1_declarations_create", "201"): "$response.body#/id",
    ("v1_declarations_retrieve", "200"): "$response.body#/id",
    ("v1_declarations_partial_update", "200"): "$response.body#/id",
    ("v1_declarations_submit_create", "202"): "$response.body#/id",
    ("v1_declarations_amend_create", "202"): "$response.body#/id",
    ("v1_declarations_cancel_create", "200"): "$response.body#/id",
    ("v1_declarations_decisions_create", "201"): "$response.body#/declaration/id",
    ("v1_declarations_list", "200"): "$response.body#/results/0/id",
    ("v1_review_queue_list", "200"): "$response.body#/results/0/id",
}


def _link(operation_id: str, description: str = "", **parameters: str) -> dict:
    link = {"operationId": operation_id, "parameters": parameters}
    if description:
        link["description"] = description
    return link


def _declaration_links(source: str) -> dict:
    links = {name: _link(operation_id, id=source) for name, operation_id in DECLARATION_ACTIONS.items()}
    if source == "$response.body#/id":
        links["GetEnterpriseCompliance"] = _link("v1_enterprises_compliance_retrieve", tax_code="$response.body#/enterprise")
    return links


def _by_id(*targets: tuple[str, str], source: str = "$response.body#/id") -> dict:
    return {name: _link(operation_id, id=source) for name, operation_id in targets}


RULE_ACTIONS = (("GetRule", "v1_risk_rules_retrieve"), ("EditRule", "v1_risk_rules_partial_update"),
                ("DeactivateRule", "v1_risk_rules_destroy"))
PRICE_ACTIONS = (("GetReferencePrice", "v1_risk_reference_prices_retrieve"),
                 ("ReplaceReferencePrice", "v1_risk_reference_prices_update"),
                 ("DeleteReferencePrice", "v1_risk_reference_prices_destroy"))
PARTNER_ACTIONS = (("GetWatchlistedPartner", "v1_risk_watchlist_partners_retrieve"),
                   ("RemoveWatchlistedPartner", "v1_risk_watchlist_partners_destroy"))
PAYMENT_ACTIONS = (("GetPayment", "v1_payments_retrieve"), ("DownloadReceipt", "v1_payments_receipt_retrieve"))

OTHER_LINKS = {
    ("v1_declarations_documents_create", "201"): {
        "DownloadDocument": _link("v1_declarations_documents_download_retrieve", id="$request.path.id",
                                  document_id="$response.body#/id")},
    ("v1_declarations_documents_list", "200"): {
        "DownloadDocument": _link("v1_declarations_documents_download_retrieve", id="$request.path.id",
                                  document_id="$response.body#/0/id")},
    ("v1_declarations_payments_create", "201"): _by_id(*PAYMENT_ACTIONS),
    ("v1_declarations_payments_list", "200"): _by_id(*PAYMENT_ACTIONS, source="$response.body#/0/id"),
    ("v1_risk_rules_create", "201"): _by_id(*RULE_ACTIONS),
    ("v1_risk_rules_partial_update", "200"): _by_id(*RULE_ACTIONS),
    ("v1_risk_rules_list", "200"): _by_id(*RULE_ACTIONS, source="$response.body#/results/0/id"),
    ("v1_risk_reference_prices_create", "201"): _by_id(*PRICE_ACTIONS),
    ("v1_risk_watchlist_partners_create", "201"): _by_id(*PARTNER_ACTIONS),
    ("v1_risk_backtest_create", "202"): _by_id(("GetBacktest", "v1_risk_backtest_retrieve")),
    ("v1_risk_changes_create", "202"): _by_id(("GetChange", "v1_risk_changes_retrieve"),
                                              ("ConfirmChange", "v1_risk_changes_confirm_create")),
}


def schema_links_add(result, generator, request, public):
    """Add the links to the responses they start from; a link to an operation that is gone fails loudly."""
    operations = {
        operation["operationId"]: operation
        for path in result["paths"].values() for operation in path.values() if isinstance(operation, dict)
    }
    table = {key: _declaration_links(source) for key, source in DECLARATION_SOURCES.items()}
    table.update(OTHER_LINKS)
    for (operation_id, status), links in table.items():
        response = operations[operation_id]["responses"][status]
        for link in links.values():
            assert link["operationId"] in operations, f"link to unknown operation {link['operationId']}"
        response["links"] = {**response.get("links", {}), **links}
    return result
