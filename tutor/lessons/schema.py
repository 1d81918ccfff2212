"""``lessons/schema.json``, generated from the pydantic models.

    python -m tutor.lessons.schema      # rewrite lessons/schema.json

A test fails when the committed file is stale.
"""

from __future__ import annotations

import json

from tutor.lessons.model import Lesson

#: The first line of every lesson file, so editors find the schema beside it.
SCHEMA_COMMENT = "# yaml-language-server: $schema=schema.json"


def schema_text() -> str:
    schema = Lesson.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "restutor lesson"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    from tutor.paths import builtin_lessons_dir

    target = builtin_lessons_dir() / "schema.json"
    target.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
