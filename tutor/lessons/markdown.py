"""A lesson's sections as Markdown text (for the lesson screen, and later for exports)."""

from __future__ import annotations

from tutor.lessons.model import Claim, LabState, Lesson

#: The outline of the lesson screen: key, label. Progress counts the first six.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("intuition", "Intuition"),
    ("math", "Math"),
    ("code", "Code"),
    ("demo", "Demo"),
    ("worked_examples", "Worked examples"),
    ("practice", "Practice"),
    ("glossary", "Glossary"),
    ("claims", "Claims"),
)


def intuition(lesson: Lesson) -> str:
    parts = [
        lesson.sections.intuition.body.strip(),
        "## Why it matters",
        lesson.why_it_matters.strip(),
    ]
    if lesson.what_tutorials_skip:
        parts.append("## What tutorials skip")
        parts += [f"- {item.strip()}" for item in lesson.what_tutorials_skip]
    return "\n\n".join(parts)


#: The heading of the steps beyond a lesson's core derivation, shown folded after it.
DEEP_DIVE = "Deep dive"


def math_intro(lesson: Lesson) -> str:
    """What the Math section says before its steps (each step is drawn on its own, its
    equation broken to the screen's width)."""
    return lesson.sections.math.body.strip()


def deep_dive_title(lesson: Lesson) -> str:
    count = len(lesson.sections.math.deep_dive)
    return f"{DEEP_DIVE}: {count} more step{'' if count == 1 else 's'}"


def code_intro(lesson: Lesson) -> str:
    return lesson.sections.code.body.strip()


def lab_state_line(state: LabState) -> str:
    params = ", ".join(f"{k}={v}" for k, v in state.params.items()) or "the lab defaults"
    where = "" if state.experiment == "signal" else f"{state.experiment} tab: "
    return f"**{state.title}** ({where}{params}) — {state.notice.strip()}"


def demo_intro(lesson: Lesson) -> str:
    return (
        lesson.sections.demo.body.strip()
        + "\n\nPick a state below and press Enter to open the lab in it (`l` opens the first "
        "one the lesson suggests)."
    )


def practice(lesson: Lesson) -> str:
    if not lesson.practice:
        return "This lesson has no practice items."
    parts = ["Each item asks you to commit to a prediction before anything is revealed."]
    for item in lesson.practice:
        parts.append(f"- *{item.difficulty}, {item.kind}* — {item.prompt.strip()}")
    parts += ["## Takeaways", *(f"- {t}" for t in lesson.takeaways)]
    if lesson.common_mistakes:
        parts.append("## Common mistakes")
        parts += [f"- **{m.mistake}** {m.fix}" for m in lesson.common_mistakes]
    if lesson.interview:
        parts.append("## Interview questions")
        parts += [
            f"**Q. {q.question}**\n\n{q.answer.strip()}\n\n*Avoid:* {q.avoid.strip()}"
            for q in lesson.interview
        ]
    if lesson.apply_now:
        parts += ["## Apply it now (five minutes)", lesson.apply_now.strip()]
    return "\n\n".join(parts)


def _witness_text(lesson: Lesson, claim: Claim) -> str:
    witness = claim.witness
    if witness is None:
        return "no witness"
    if witness.kind == "equation":
        math = lesson.sections.math
        step = next((s for s in [*math.steps, *math.deep_dive] if s.id == witness.ref), None)
        return f"equation `{step.equation}`" if step else witness.ref
    if witness.kind == "code":
        code = next((w for w in lesson.sections.code.witnesses if w.id == witness.ref), None)
        return f"code witness *{code.title}*" if code else witness.ref
    state = lesson.lab_state(witness.ref)
    return f"lab state *{state.title}*" if state else witness.ref


def claims(lesson: Lesson) -> str:
    if not lesson.claims:
        return "This lesson makes no claims of its own."
    sources = {s.id: s for s in lesson.sources}
    parts = []
    for claim in lesson.claims:
        cited = [sources[i] for i in claim.sources if i in sources]
        refs = "; ".join(f"{s.authors} ({s.year}), *{s.title}*, {s.venue}" for s in cited)
        parts.append(
            f"- {claim.statement.strip()}\n\n  *Sources:* {refs or 'none'}  \n"
            f"  *Witness:* {_witness_text(lesson, claim)}"
        )
    parts.append("## Sources")
    parts += [
        f"- {s.authors} ({s.year}). *{s.title}*. {s.venue}." + (f" <{s.url}>" if s.url else "")
        for s in lesson.sources
    ]
    return "\n\n".join(parts)
