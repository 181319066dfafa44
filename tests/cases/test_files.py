"""Files placed whole (cases/files.py): the first placement stays, and no temporary file is left."""

import os

import pytest

from cases.files import place_whole


def test_the_first_placement_stays_and_no_temporary_file_is_left(tmp_path):
    target = tmp_path / "table.exchange"
    assert place_whole(target, b"first") is True
    assert place_whole(target, b"second") is False
    assert target.read_bytes() == b"first"
    assert os.stat(target).st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["table.exchange"]


def test_a_failed_placement_leaves_nothing_behind(tmp_path, monkeypatch):
    def refuse(source, destination):
        raise PermissionError("refused")

    monkeypatch.setattr(os, "link", refuse)
    with pytest.raises(PermissionError):
        place_whole(tmp_path / "message.msg", b"payload")
    assert list(tmp_path.iterdir()) == []
