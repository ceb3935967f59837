"""What every command module of the CLI shares: the one-line usage error, the parser that raises it,
and `-s NAME=VALUE` settings overrides."""

from __future__ import annotations

import argparse


class UsageError(Exception):
    """A request the user can fix: said in one line."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage plus error
        raise UsageError(f"{message} (see '{self.prog} --help')")


def settings_overrides(pairs: list[str]) -> dict[str, str]:
    """`-s NAME=VALUE` pairs as a dict of Scrapy settings."""
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip().isupper():
            raise UsageError(f"-s expects NAME=VALUE with an upper-case Scrapy setting name, got {pair!r}")
        overrides[name.strip()] = value
    return overrides
