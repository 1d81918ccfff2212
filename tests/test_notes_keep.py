"""Refused text is kept in a file of its own, never over another, wherever it can go."""

from tutor.notes.keep import KEPT_DIR, keep_text


def test_text_is_kept_beside_the_database_each_time_in_a_new_file(tmp_path):
    db = tmp_path / "restutor.db"
    first = keep_text("première\n", db)
    second = keep_text("second", db)
    assert first.parent == second.parent == db.parent / KEPT_DIR
    assert first != second
    assert first.read_text(encoding="utf-8") == "première\n"
    assert second.read_text(encoding="utf-8") == "second"


def test_undecodable_input_is_kept_byte_for_byte(tmp_path):
    raw = b"caf\xe9 \xff\xfe note"
    text = raw.decode("utf-8", errors="surrogateescape")
    assert keep_text(text, tmp_path / "restutor.db").read_bytes() == raw


def test_a_data_folder_that_is_a_file_keeps_the_text_in_the_temporary_folder(tmp_path, monkeypatch):
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    spare = tmp_path / "tmp"
    spare.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(spare))
    kept = keep_text("words", blocker / "restutor.db")
    assert kept.parent == spare


def test_a_database_folder_that_is_not_there_is_not_made(tmp_path, monkeypatch):
    spare = tmp_path / "tmp"
    spare.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(spare))
    kept = keep_text("words", tmp_path / "file:relative" / "folder" / "x.db")
    assert kept.parent == spare
    assert not (tmp_path / "file:relative").exists()
