"""Where the learner's words go when the database refuses them.

Text read once (standard input, an editor's buffer, the note editor's draft) must outlive
a refused write: it is put in a file of its own, beside the database where the learner's
data lives, or in the system's temporary folder when that folder cannot be written (a
read-only or full disk is often why the database refused).
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

#: The folder beside the database that keeps refused text.
KEPT_DIR = "kept-notes"


def keep_text(text: str, db_path: Path, what: str = "note") -> Path:
    """Write ``text`` to a new file (never over another) and say where; raises ``OSError``
    only when neither the data folder nor the temporary folder can take it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    prefix = f"{what}-{stamp}-"
    data = text.encode("utf-8", errors="surrogateescape")
    last_error: OSError | None = None
    for folder in (db_path.parent / KEPT_DIR, Path(tempfile.gettempdir())):
        try:
            folder.mkdir(exist_ok=True)  # inside a folder that is there, never a new tree
            handle, name = tempfile.mkstemp(prefix=prefix, suffix=".md", dir=folder)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except OSError as error:
            last_error = error
            continue
        return Path(name)
    assert last_error is not None
    raise last_error
