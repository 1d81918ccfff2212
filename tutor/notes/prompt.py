"""The grounded research prompt a note turns into (the seed notebook's shape)."""

from __future__ import annotations

from tutor.store import Note


def research_prompt(note: Note, anchored: str, context: str) -> str:
    """The grounded research prompt the seed notebook hands to a tutor: the object and its
    context, the open question, the evidence to inspect, and what would resolve it."""
    question = note.next_action or " ".join(note.body.split())[:300]
    return (
        "\n".join(
            [
                "I am studying residual connections (y = x + F(x)) with restutor.",
                f"Object: {note.anchor_kind} {note.anchor_id}",
                f"Context: {context}",
                f"The object itself: {' '.join(anchored.split())}",
                f"My note: {' '.join(note.body.split())}",
                f"Open question: {question}",
                "Evidence to inspect:",
                "- the equation or code witness that makes this object operational",
                "- one simulator state (restutor sim ...) that shows the effect, not a slogan",
                "- the paper that the claim rests on, and what exactly it reports",
                "What would resolve this:",
                "- I can state the mechanism in my own words",
                "- I can name the prerequisite that would repair my confusion",
                "- I can predict how the mechanism changes under one perturbation",
                "Answer as a careful research tutor: stay source-grounded, separate verified "
                "evidence "
                "from assumptions, name the math objects involved, and end with one next action.",
            ]
        )
        + "\n"
    )
