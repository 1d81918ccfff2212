"""How a written answer's words are matched against keywords and misconception patterns:
Snowball stems, one Damerau–Levenshtein edit in words of five letters or more, phrases as
consecutive words, negation within a few words of the same clause, and superscripts read as
powers (``tutor.lessons.wording``)."""

from __future__ import annotations

import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.lesson_factory import PRACTICE_FIELDS
from tutor.lessons.model import TextItem
from tutor.lessons.wording import NEGATION_REACH, NEGATORS, finds, stem
from tutor.practice.grading import grade_text

#: Keywords of six letters or more, as the lessons use them.
LONG_WORDS = ["signal", "stream", "vanish", "gradient", "identity", "shortcut", "product"]
LETTERS = string.ascii_lowercase


@st.composite
def one_edit(draw, word: str) -> str:
    """``word`` with one letter changed, added or dropped, or two neighbours swapped."""
    at = draw(st.integers(0, len(word) - 1))
    letter = draw(st.sampled_from(LETTERS))
    edit = draw(st.sampled_from(["change", "add", "drop", "swap"]))
    if edit == "change":
        return word[:at] + letter + word[at + 1 :]
    if edit == "add":
        return word[:at] + letter + word[at:]
    if edit == "drop":
        return word[:at] + word[at + 1 :]
    at = min(at, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


@pytest.mark.parametrize(("typo", "word"), [("signol", "signal"), ("straem", "stream"),
                                            ("vanich", "vanish")])  # fmt: skip
def test_the_issues_one_letter_typos_match(typo, word):
    assert finds(f"the {typo} goes on", word)


@given(st.sampled_from(LONG_WORDS).flatmap(lambda w: st.tuples(st.just(w), one_edit(w))))
def test_one_edit_in_a_long_word_still_matches(pair):
    word, typo = pair
    assert finds(f"so the {typo} is kept", word)


@given(
    st.text(LETTERS, min_size=1, max_size=4),
    st.text(LETTERS, min_size=1, max_size=4),
)
def test_words_under_five_letters_need_the_same_stem(word, other):
    assert finds(other, word) is (stem(other) == stem(word))


@given(st.sampled_from(LONG_WORDS).flatmap(lambda w: st.tuples(st.just(w), one_edit(w))), st.data())
def test_two_edits_are_too_many(pair, data):
    word, typo = pair
    twice = data.draw(one_edit(typo))
    from rapidfuzz.distance import DamerauLevenshtein

    assume(DamerauLevenshtein.distance(twice, word) == 2 and stem(twice) != stem(word))
    assert not finds(twice, word)


@pytest.mark.parametrize(
    ("keyword", "forms"),
    [
        ("explode", ["gradients keep exploding", "it explodes", "they exploded"]),
        ("vanish", ["vanishing gradients", "the signal vanishes", "it vanished"]),
        ("multiply", ["factors multiplied", "it multiplies", "multiplying them"]),
        ("add", ["the branch is added", "adding x", "it adds the input"]),
        ("identity path", ["through the identity paths", "identities' path"]),
    ],
)
def test_word_forms_match_by_stem(keyword, forms):
    assert all(finds(form, keyword) for form in forms)


def test_a_phrase_matches_consecutive_words_only():
    assert finds("a skip-path carries it", "skip path")
    assert not finds("skip the long path", "skip path")


@pytest.mark.parametrize(
    ("answer", "keyword"),
    [
        ("it doesn't vanish", "vanish"),
        ("it does not vanish", "vanish"),
        ("it won't vanish", "vanish"),
        ("the factor is not multiplied", "multiplied"),
        ("x is never added", "added"),
        ("nothing is added", "added"),
        ("it cannot explode", "explode"),
        ("it can’t explode", "explode"),
        ("without a shortcut", "shortcut"),
        ("neither path nor shortcut", "shortcut"),
    ],
)
def test_a_negator_close_before_a_plain_keyword_negates_it(answer, keyword):
    assert not finds(answer, keyword)
    assert finds(f"{answer}; so it is {keyword}", keyword)  # a plain mention still counts


@given(st.sampled_from(sorted(NEGATORS)), st.integers(0, NEGATION_REACH + 2))
def test_a_negator_reaches_a_few_words(negator, gap):
    answer = " ".join(["so", negator, *["very"] * gap, "added"])
    assert finds(answer, "added") is (gap >= NEGATION_REACH)


def test_a_keyword_with_its_own_negator_matches_the_negated_phrase():
    assert finds("the skip term is not multiplied", "not multiplied")
    assert finds("it isn't multiplied by anything", "not multiplied")
    assert not finds("the skip term is multiplied", "not multiplied")


def test_an_unnegated_mention_elsewhere_still_counts():
    assert finds("it is not multiplied: it is added", "added")


@pytest.mark.parametrize("boundary", [",", ";", ":", ".", "!", "?", " but", " — but"])
@given(negator=st.sampled_from(sorted(NEGATORS)))
def test_a_negator_stops_at_the_end_of_its_clause(boundary, negator):
    assert finds(f"{negator} overfitting{boundary} the optimizer", "optimizer")
    assert not finds(f"{negator} overfitting or the optimizer", "optimizer")


def test_a_decimal_point_ends_no_clause():
    assert not finds("not 0.9 optimizer", "optimizer")


@pytest.mark.parametrize("limiter", ["only", "just", "merely"])
def test_not_only_affirms(limiter):
    assert finds(f"it is not {limiter} added but multiplied", "added")
    assert finds(f"not {limiter} the gradient", "gradient")


def test_a_cleft_negation_reaches_its_phrase():
    assert not finds("It's not that they are more expressive", "more expressive")


@pytest.mark.parametrize(
    ("answer", "phrase", "base"),
    [
        ("2ⁿ paths", "2^n paths", "2 paths"),
        ("2^n paths", "2ⁿ paths", "2 paths"),
        ("0.9⁵⁰", "0.9^50", "0.9"),
        ("d² weights", "d^2 weights", "d weights"),
    ],
)
def test_superscripts_read_as_powers(answer, phrase, base):
    assert finds(answer, phrase)
    assert not finds(base, phrase)


MISCONCEIVED = TextItem(
    kind="text",
    id="item",
    key_ideas=[{"idea": "identity term", "keywords": ["identity"]}],
    misconceptions=[
        {
            "name": "The gradient is pinned at 1",
            "patterns": ["always exactly preserved", "can only be 1"],
            "correction": "Opposing branches shrink it: 0.9⁵⁰ ≈ 0.005.",
        }
    ],
    **PRACTICE_FIELDS,
)


@pytest.mark.parametrize(
    "answer",
    ["the identity keeps it always exactly preserved", "with the identity it can only be 1",
     "the identiy term: the gradient is allways exactly preserved"],
)  # fmt: skip
def test_a_misconception_flags_and_is_never_called_right(answer):
    grade = grade_text(MISCONCEIVED, answer)
    assert grade.flags == ("The gradient is pinned at 1",) and not grade.missing
    assert grade.corrections == ("Opposing branches shrink it: 0.9⁵⁰ ≈ 0.005.",)
    assert not grade.correct


@pytest.mark.parametrize(
    "answer",
    ["the identity means it is not always exactly preserved, yet it survives",
     "with the identity it is never always exactly preserved"],
)  # fmt: skip
def test_a_negated_misconception_does_not_flag(answer):
    grade = grade_text(MISCONCEIVED, answer)
    assert grade.flags == () and grade.correct


@given(st.lists(st.sampled_from(["the", "identity", "gradient", "so", "and"]), max_size=8),
       st.sampled_from(MISCONCEIVED.misconceptions[0].patterns))  # fmt: skip
def test_any_answer_voicing_a_misconception_is_not_correct(words, pattern):
    grade = grade_text(MISCONCEIVED, " ".join(["identity", *words, "it is", pattern]))
    assert grade.flags and not grade.correct


def test_threads_stem_at_once_without_mixing_their_words():
    """The practice screen grades in a worker while the main thread may read another answer;
    a shared Snowball stemmer mixed their words up (an IndexError mid-stem)."""
    import threading

    vocabulary = [w + suffix for w in LONG_WORDS for suffix in ("", "s", "ing", "ed", "ation")]
    expected = {word: stem(word) for word in vocabulary}
    start = threading.Barrier(4)
    results: list[dict[str, str]] = []

    def stem_all() -> None:
        start.wait()
        results.append({word: stem(word) for _ in range(50) for word in vocabulary})

    threads = [threading.Thread(target=stem_all) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4
