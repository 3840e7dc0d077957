"""Run pages of the book without building the site: the writer's quick check.

    python -m bookkit run docs/chapters/10-breaking-it.md [more pages]
    python -m bookkit run --claims docs/chapters/10-breaking-it.md
    python -m bookkit downloads docs/chapters/09-xor-from-scratch.md -o build/downloads

``run`` executes each page exactly as the build does (``bookkit.execute``) and
prints its problems, its time and (with ``--claims``) every claim with its
kind, check and measured value; it exits 1 if any page has a problem.
``downloads`` writes each page's notebook and script into a folder.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import downloads
from .execute import PageRun
from .stats import DOCS_DIR, split_front_matter


def _run(path: Path) -> PageRun:
    path = path.resolve()
    _, body, offset = split_front_matter(path.read_text(encoding="utf-8"))
    page = path.relative_to(DOCS_DIR).as_posix() if path.is_relative_to(DOCS_DIR) else path.name
    shown = Path(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else path
    return PageRun(page, body, shown, offset=offset).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bookkit", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run pages as the build does and report their problems")
    run.add_argument("pages", nargs="+", type=Path)
    run.add_argument("--claims", action="store_true", help="list every claim of each page")
    down = sub.add_parser("downloads", help="write each page's notebook and script")
    down.add_argument("pages", nargs="+", type=Path)
    down.add_argument("-o", "--out", type=Path, default=Path("build/downloads"))
    down.add_argument("--site-url", default="http://127.0.0.1:8000/")
    down.add_argument("--repo-url", default=None)
    args = parser.parse_args(argv)

    failed = 0
    for path in args.pages:
        if not path.is_file():
            parser.error(f"pages must be Markdown files, got {str(path)!r}, which does not exist")
        started = time.perf_counter()
        result = _run(path)
        took = time.perf_counter() - started
        if args.command == "downloads":
            args.out.mkdir(parents=True, exist_ok=True)
            source = path.read_text(encoding="utf-8")
            url = args.site_url + result.page.removesuffix(".md") + "/"
            nb = downloads.notebook(source, result, page_url=url, site_url=args.site_url,
                                    repo_url=args.repo_url)  # fmt: skip
            py = downloads.script(source, result, title=path.stem, page_url=url,
                                  site_url=args.site_url)  # fmt: skip
            (args.out / f"{path.stem}.ipynb").write_text(nb, encoding="utf-8")
            (args.out / f"{path.stem}.py").write_text(py, encoding="utf-8")
        status = "ok" if not result.problems else f"{len(result.problems)} problem(s)"
        print(f"{result.page}: {status}: {len(result.blocks)} blocks, {result.prompts} "
              f"printed results, {len(result.claims)} claims, {took:.1f} s")  # fmt: skip
        for problem in result.problems:
            print(f"  {problem}".replace("\n", "\n  "))
        if args.command == "run" and args.claims:
            for c in result.claims:
                print(f"  [{c.kind}] {c.text}\n      checked {c.check}; measured {c.measured}")
        failed += bool(result.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
