"""The bad-input tests again on PostgreSQL, which refuses what SQLite stores (NUL characters,
over-long strings, out-of-range integers): a door must refuse them first, never answer a 500."""

import pytest

from tests.reliability.test_bad_input import (  # noqa: F401 - collected here a second time, on PostgreSQL
    door_key,
    target,
    test_broken_multipart_evidence_upload,
    test_fuzzed_case_writes,
    test_fuzzed_create_bodies,
    test_malformed_corpus,
)
from tests.reliability.test_bad_input_backoffice import test_fuzzed_back_office_forms  # noqa: F401

pytestmark = [pytest.mark.postgres]
