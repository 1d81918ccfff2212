"""Small valid lessons for tests, written as YAML files."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

#: The fields every practice item has, whatever its kind.
PRACTICE_FIELDS = {
    "difficulty": "easy",
    "prompt": "What does a residual block output when F(x) = 0?",
    "nudges": ["Look at the plus sign.", "Set F to zero.", "y = x + 0."],
    "answer": "x itself",
    "reasoning": "The shortcut carries x unchanged.",
    "wrong_answer": {"answer": "zero", "why": "That is a plain block with F = 0."},
    "rubric": ["names the identity"],
}

MINIMAL = {
    "id": "demo-lesson",
    "title": "Demo lesson",
    "one_line": "A lesson for tests.",
    "key_equation": {"latex": "y = x + F(x)", "text": "y = x + F(x)"},
    "phase": 1,
    "order": 1,
    "difficulty": "beginner",
    "why_it_matters": "Tests need a lesson.",
    "takeaways": ["It validates."],
    "sections": {
        "intuition": {"body": "A picture."},
        "math": {
            "body": "Steps.",
            "steps": [{"id": "jac", "equation": "∂y/∂x = I + ∂F/∂x", "why": "Differentiate."}],
        },
        "code": {
            "body": "Code.",
            "witnesses": [
                {"id": "hello", "title": "Hello", "code": "print(1 + 1)", "expected_output": "2\n"}
            ],
        },
        "demo": {
            "body": "Try it.",
            "lab_states": [{"id": "defaults", "title": "Defaults", "params": {}, "notice": "x"}],
            "opens": "defaults",
        },
    },
    "worked_examples": [
        {
            "id": "edit",
            "title": "An edit",
            "given": "x = 4, F(x) = 1",
            "steps": [{"say": "Add.", "compute": "4 + 1", "result": 5}],
            "answer": "5",
            "insight": "Edits add.",
        }
    ],
    "terms": [
        {
            "term": "skip connection",
            "aliases": ["residual connection", "shortcut"],
            "definition": "Adds a block's input to its output.",
            "related": ["residual block"],
        }
    ],
    "sources": [
        {
            "id": "he2016deep",
            "authors": "Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun",
            "year": 2016,
            "title": "Deep Residual Learning for Image Recognition",
            "venue": "CVPR",
        }
    ],
    "claims": [
        {
            "id": "jacobian",
            "statement": "The Jacobian has an identity term.",
            "sources": ["he2016deep"],
            "witness": {"kind": "equation", "ref": "jac"},
        }
    ],
    "practice": [
        {
            "id": "demo-choice",
            "kind": "choice",
            "choices": ["x", "0"],
            "correct": 0,
            **PRACTICE_FIELDS,
        },
        {"id": "demo-number", "kind": "number", "value": 4, "tolerance": 0.01, **PRACTICE_FIELDS},
    ],
}


def lesson_dict(**overrides: object) -> dict:
    data = copy.deepcopy(MINIMAL)
    data.update(copy.deepcopy(overrides))
    return data


def write_lesson(folder: Path, name: str | None = None, **overrides: object) -> Path:
    data = lesson_dict(**overrides)
    path = folder / (name or f"{data['id']}.yaml")
    text = "# yaml-language-server: $schema=schema.json\n" + yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True
    )
    path.write_text(text, encoding="utf-8")
    return path


def yaml_bomb(levels: int = 8) -> bytes:
    """A 'billion laughs' document: each level lists the previous one ten times."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return ("\n".join(lines) + "\n").encode()
