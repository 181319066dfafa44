import pytest

from tests.conftest import logged_in
from tests.factories import make_case, make_user

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def admin_client(admin_user):
    return logged_in(admin_user)


@pytest.fixture
def staff_analyst(db):
    return make_user("staff_ana", "analyst", is_staff=True)


@pytest.fixture
def staff_supervisor(db):
    return make_user("staff_sue", "supervisor", is_staff=True)


@pytest.fixture
def case(program):
    return make_case(program)


def case_url(case, suffix: str = "") -> str:
    return f"/cases/{case.number}/{suffix}"
