"""Whose code a witness is: the built-ins, or a file the learner must say yes to, as it is."""

import hashlib
import shutil

from tests.lesson_factory import write_lesson
from tutor.lessons.loader import read_lesson
from tutor.lessons.trust import is_builtin
from tutor.paths import builtin_lessons_dir
from tutor.store import Store


def test_the_built_in_lessons_are_built_in_and_a_copy_elsewhere_is_not(tmp_path):
    builtin = builtin_lessons_dir() / "residual-connections.yaml"
    copy = tmp_path / "residual-connections.yaml"
    shutil.copy(builtin, copy)
    assert read_lesson(builtin).origin.builtin
    assert not read_lesson(copy).origin.builtin
    assert is_builtin(builtin_lessons_dir() / "sub" / ".." / "x.yaml")
    assert not is_builtin(builtin_lessons_dir().parent / "lessons-evil" / "x.yaml")


def test_the_origin_is_the_resolved_file_and_the_digest_of_the_bytes_read(tmp_path):
    path = write_lesson(tmp_path)
    origin = read_lesson(tmp_path / "." / path.name).origin
    assert origin.path == path.resolve()
    assert origin.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_yes_holds_for_the_file_as_it_was_and_survives_reopening(tmp_path):
    store = Store(tmp_path / "restutor.db")
    assert not store.trusts_lesson("/lessons/a.yaml", "v1")
    store.trust_lesson("/lessons/a.yaml", "v1")
    store.close()
    store = Store(tmp_path / "restutor.db")
    assert store.trusts_lesson("/lessons/a.yaml", "v1")
    assert not store.trusts_lesson("/lessons/a.yaml", "v2")  # the file changed
    assert not store.trusts_lesson("/lessons/b.yaml", "v1")  # another file, same bytes


def test_a_yes_to_a_new_version_forgets_the_old_one(tmp_path):
    store = Store(tmp_path / "restutor.db")
    store.trust_lesson("/lessons/a.yaml", "v1")
    store.trust_lesson("/lessons/a.yaml", "v2")
    assert store.trusts_lesson("/lessons/a.yaml", "v2")
    assert not store.trusts_lesson("/lessons/a.yaml", "v1")
