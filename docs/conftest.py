"""``pytest docs/`` runs every page of the book as the build does (bookkit.pytest_plugin)."""

from bookkit.pytest_plugin import pytest_collect_file  # noqa: F401
