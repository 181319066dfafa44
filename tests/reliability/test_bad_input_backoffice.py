"""Bad input through the back-office forms: fuzzed fields, oversized and broken bodies. Never a 500;
a refused form stores nothing (SPEC section 9)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import logged_in
from tests.factories import make_case
from tests.reliability.bad_input import NASTY_STRINGS, oversized_body, stored_state
from tests.reliability.test_bad_input import FUZZ

FORMS = {
    "notes": ["text"],
    "deadlines": ["level", "internal_due_date", "due_date", "note"],
    "amount": ["amount", "note"],
    "reviewed": ["note"],
    "transitions/file_chargeback": ["note"],
    "transitions/no_such_transition": ["note"],
    "evidence": ["category", "description"],
}
form_value = st.one_of(st.text(max_size=300), st.sampled_from(NASTY_STRINGS),
                       st.integers(min_value=-(10**30), max_value=10**30).map(str),
                       st.floats(allow_nan=True, allow_infinity=True).map(repr))




@pytest.mark.parametrize("form", FORMS)
@FUZZ
@given(data=st.data())
def test_fuzzed_back_office_forms(form, data, program, supervisor):
    case = make_case(program)
    values = {name: data.draw(form_value, label=name) for name in FORMS[form]}
    before = stored_state()
    response = logged_in(supervisor).post(f"/cases/{case.number}/{form}/", values)
    assert response.status_code < 500, (values, response.content[:300])
    if response.status_code >= 400:
        assert stored_state() == before, values


@pytest.mark.parametrize("form", FORMS)
def test_oversized_back_office_post(form, program, supervisor):
    case = make_case(program)
    before = stored_state()
    response = logged_in(supervisor).generic("POST", f"/cases/{case.number}/{form}/", data=oversized_body(),
                                             content_type="application/x-www-form-urlencoded")
    assert 400 <= response.status_code < 500
    assert stored_state() == before


@pytest.mark.parametrize("body", [
    b"--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--x--",
    b"",
    b"--abc\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4 truncated",
])
def test_broken_multipart_evidence_upload(body, program, supervisor):
    case = make_case(program)
    before = stored_state()
    response = logged_in(supervisor).generic("POST", f"/cases/{case.number}/evidence/", data=body,
                                             content_type="multipart/form-data; boundary=abc")
    assert 400 <= response.status_code < 500 or response.status_code in (302, 303)
    assert stored_state() == before
