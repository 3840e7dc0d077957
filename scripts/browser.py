"""Which Chromium the browser checks and the PDF drive, and with which flags.

Usage: python scripts/browser.py   (prints the browser's path, or nothing)

The shell scripts (check-site, build-pdf, check-offline) ask this file, and the
Python checks import it, so the lookup lives in one place.
"""

from __future__ import annotations

import os
import shutil
import sys

DEBIAN_SHELL = "/usr/lib/chromium/chromium-headless-shell"  # (what its wrapper runs)
NAMES = ["chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"]
INSTALL_HINT = (
    "install it (Debian/Ubuntu: apt-get install chromium-headless-shell, or chromium) "
    "or set CHROMIUM=/path/to/chrome"
)
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def find_chromium() -> str | None:
    """The browser the checks drive: $CHROMIUM if set, else the first one installed.

    Chromium's headless shell (Debian: chromium-headless-shell) comes first. It
    is the same Blink, V8 and Skia as the browser, drawing the same pages, but
    without the browser's own layers, and a check takes about a quarter less CPU
    in it. Playwright too uses it for headless runs.
    """
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    if os.access(DEBIAN_SHELL, os.X_OK):
        return DEBIAN_SHELL
    return next(filter(None, map(shutil.which, NAMES)), None)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--install-hint":
        print(INSTALL_HINT)
    else:
        print(find_chromium() or "")
