"""Measure the writer's loop: from saving an edit to the served page showing it.

Starts ``mkdocs serve`` on a free port, waits for the first build, then makes
three edits one at a time and restores each file afterwards:

- prose: a new sentence at the end of chapter 3 (no code changes: served from
  the execution cache);
- code: a comment added to a shown block of chapter 3 (chapter 3 runs again);
- package: a comment added to ``src/nnscratch/activations.py`` (every page
  that runs code runs again).

For each it prints the seconds until the served site had the change (for the
package edit, until the rebuild finished). Run by ``scripts/bench-serve``.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "docs" / "chapters" / "03-perceptron-xor.md"
PACKAGE = ROOT / "src" / "nnscratch" / "activations.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, port: int):
        self.port, self.lines, self.builds = port, [], 0
        self.process = subprocess.Popen(
            [str(ROOT / "scripts" / "serve"), "--dev-addr", f"127.0.0.1:{port}"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if "Documentation built in" in line:
                self.builds += 1

    def page(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=10) as r:
            return r.read().decode()

    def wait(self, test, timeout: float = 300) -> float:
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            try:
                if test():
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.05)
        raise TimeoutError("the served site did not change:\n" + "\n".join(self.lines[-30:]))

    def rebuilt_since(self, mark: int) -> bool:
        """Whether a rebuild that began after output line ``mark`` has finished.

        (Counting finished builds is not enough: the rebuild after the last
        edit was undone may report itself just after its page is served.)
        """
        later = self.lines[mark:]
        began = next((i for i, line in enumerate(later) if "Detected file changes" in line), None)
        return began is not None and any("Documentation built in" in x for x in later[began:])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def edit(path: Path, change) -> str:
    original = path.read_text(encoding="utf-8")
    path.write_text(change(original), encoding="utf-8")
    return original


def main() -> int:
    server = Server(free_port())
    url = "chapters/03-perceptron-xor/"
    results = []
    try:
        first = server.wait(lambda: server.builds >= 1 and "Perceptron" in server.page(url), 600)
        print(f"bench-serve: first build served after {first:.1f} s", flush=True)
        time.sleep(2)  # let the watcher settle

        marker = f"A sentence written at {time.time():.0f} to time the edit loop."
        original = edit(CHAPTER, lambda t: t.rstrip("\n") + f"\n\n{marker}\n")
        try:
            seconds = server.wait(lambda: marker in server.page(url))
            results.append(("prose edit, chapter 3", seconds))
        finally:
            CHAPTER.write_text(original, encoding="utf-8")
        server.wait(lambda: marker not in server.page(url))
        time.sleep(1)

        comment = f"# timed at {time.time():.0f}"

        def add_comment(text: str) -> str:  # into the first shown python block
            return re.sub(r'(```python exec="on" source="above"[^\n]*\n)', rf"\1{comment}\n", text,
                          count=1)  # fmt: skip

        original = edit(CHAPTER, add_comment)
        try:
            seconds = server.wait(lambda: comment[2:] in server.page(url))
            results.append(("code edit, chapter 3", seconds))
        finally:
            CHAPTER.write_text(original, encoding="utf-8")
        server.wait(lambda: comment[2:] not in server.page(url))
        time.sleep(1)

        mark = len(server.lines)
        original = edit(PACKAGE, lambda t: t + f"\n{comment}\n")
        try:
            seconds = server.wait(lambda: server.rebuilt_since(mark))
            results.append(("package edit (every page runs)", seconds))
        finally:
            PACKAGE.write_text(original, encoding="utf-8")
        mark = len(server.lines)
        server.wait(lambda: server.rebuilt_since(mark))  # and back
    finally:
        server.stop()
    print("bench-serve: seconds from saving an edit to the served site showing it")
    for what, seconds in results:
        print(f"  {what:<32} {seconds:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
