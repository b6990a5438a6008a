"""customs_portal.accounts.selectors.api_token_by_digest (compiled once: it runs on every API request
with a token) returns what the ORM returns, with the user and the enterprise, in one query."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customs_portal.accounts.models import ApiToken
from customs_portal.accounts.selectors import api_token_by_digest
from customs_portal.accounts.services import api_token_issue


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_the_token_with_its_user_and_enterprise_in_one_query(trader1, officer):
    mine, _ = api_token_issue(user=trader1, second_factor=False)
    theirs, _ = api_token_issue(user=officer, second_factor=True)
    for token in (mine, theirs):
        with CaptureQueriesContext(connection) as queries:
            got = api_token_by_digest(digest=token.digest)
            related = (got.user.username, got.user.enterprise_id and got.user.enterprise.tax_code)
        assert len(queries) == 1
        expected = ApiToken.objects.select_related("user", "user__enterprise").get(digest=token.digest)
        assert _fields(got) == _fields(expected)
        assert _fields(got.user) == _fields(expected.user)
        assert related == (expected.user.username, expected.user.enterprise_id and expected.user.enterprise.tax_code)
    assert related[1] is None  # the officer has no enterprise
    assert api_token_by_digest(digest=mine.digest).user.enterprise.tax_code == trader1.enterprise.tax_code


def test_an_unknown_digest_finds_nothing(trader1):
    token, _ = api_token_issue(user=trader1, second_factor=False)
    assert api_token_by_digest(digest="0" * len(token.digest)) is None


def test_token_authentication_reads_it_in_one_query(trader1):
    from customs_portal.api.authentication import TokenAuthentication

    token, key = api_token_issue(user=trader1, second_factor=False)
    with CaptureQueriesContext(connection) as lookup:
        user, auth = TokenAuthentication().authenticate_credentials(key.encode())
    assert (user.pk, auth.digest) == (trader1.pk, token.digest)
    assert len(lookup) == 1  # the token, its user and the enterprise: one query
    with CaptureQueriesContext(connection) as queries:
        assert user.enterprise.tax_code == trader1.enterprise.tax_code
    assert not queries
