"""The back office's wording helpers: an event's change rows, file sizes."""

import pytest

from cases.backoffice import display


def test_change_rows():
    rows = display.change_rows({"currency": "USD", "disputed_amount": {"before": 20000, "after": 15025},
                                "internal_due_date": {"before": None, "after": "2030-01-02"}, "source": "api"})
    assert rows == [("Disputed amount", "200.00 USD", "150.25 USD", True),
                    ("Internal due date", None, "2030-01-02", True), ("Source", None, "api", False)]


@pytest.mark.parametrize(("size", "text"), [(0, "0 B"), (1023, "1023 B"), (2048, "2 KiB"), (5 * 1024 * 1024, "5.0 MiB")])
def test_filesize(size, text):
    assert display.filesize(size) == text
