"""Files written whole: another process sees a file complete or not at all.

The content goes to a temporary file of the same folder (mode 0600, named `partial-*.part`), which
is then hard-linked to its name; a link never replaces a file, so when two processes place the same
name the first one's file stays and the second learns it. The temporary name is removed after,
whatever happened. Used for the sandbox signing key (cases/gateways/keys.py) and the filesystem
broker's messages (disputes_site/filesystem_broker.py)."""

import contextlib
import os
import tempfile
from pathlib import Path


def place_whole(path: str | os.PathLike, content: bytes) -> bool:
    """Write `content` at `path` unless a file is there already; True when this call placed it."""
    path = Path(path)
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix="partial-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        try:
            os.link(partial, path)
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
