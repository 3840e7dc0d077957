"""The execution cache of the writer's loop (``scripts/serve``).

While a writer edits, ``mkdocs serve`` rebuilds the whole site at every save.
With the cache, a page is executed again only when what it computes could
have changed: its code (the executed blocks and ``{{ }}`` expressions, in
order; not its prose), the source of ``nnscratch``, the source of this
machinery, the locked versions (``uv.lock``) or the floating-point
environment (NumPy, its SIMD level, the BLAS library and its kernel). Every
other page's results are read back from ``.cache/book/``.

The strict build (``scripts/build``, CI, the hosted site) never reads the
cache: it executes every page, cold, and writes what it computed. One build
may read it: the offline copy, made right after a cold build of the same
source in the same environment (``BOOK_REUSE_RUNS=1``, set by
``scripts/build --offline``), renders the runs that build just made instead
of computing them a second time; the key guarantees they are the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
"""The repository."""


def _hash_files(paths, base: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def package_hash(root: Path = ROOT) -> str:
    """A hash of the ``nnscratch`` package's source (every ``.py`` file)."""
    return _hash_files((root / "src" / "nnscratch").rglob("*.py"), root)


def environment() -> dict[str, str]:
    """What decides the arithmetic's last bits: versions, SIMD level, BLAS kernel."""
    from .provenance import arithmetic

    return {"python": sys.version.split()[0], **arithmetic()}


class ExecutionCache:
    """The last result of each page on disk, with the key it was computed under.

    Args:
        folder: Where the records go (one JSON file per page).
        root: The repository (for the package's and the machinery's source).
        read: Whether results may be read back; a cold build only writes them.
    """

    def __init__(self, folder: Path, root: Path = ROOT, read: bool = True):
        self.folder, self.read = Path(folder), read
        machinery = Path(__file__).resolve().parent
        lock = root / "uv.lock"
        # what every page depends on (the page's own code is added by key())
        self.base = json.dumps(
            {
                "package": package_hash(root),
                "machinery": _hash_files(machinery.glob("*.py"), machinery),
                "lock": hashlib.sha256(lock.read_bytes()).hexdigest() if lock.exists() else "",
                "environment": environment(),
            },
            sort_keys=True,
        )

    def key(self, page: str, events: list) -> str:
        """The key of a page whose code is ``events`` (``bookkit.execute.events``)."""
        payload = json.dumps([self.base, page, events])
        return hashlib.sha256(payload.encode()).hexdigest()[:32]

    def _path(self, page: str) -> Path:
        # one record per page: a new result replaces the old one
        return self.folder / (page.replace("/", "--") + ".json")

    def load(self, page: str, key: str) -> dict | None:
        """The page's stored record if it has this key, else ``None`` (the page must run)."""
        if not self.read:
            return None
        try:
            record = json.loads(self._path(page).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record["result"] if record.get("key") == key else None

    def save(self, page: str, key: str, result: dict) -> None:
        """Store a page's result (written to a temporary file, then moved into place)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(page)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": key, "result": result}), encoding="utf-8")
        tmp.replace(path)
