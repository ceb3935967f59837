"""What every command module of the CLI shares: the one-line usage error, the parser that raises it,
and `-s NAME=VALUE` settings overrides."""

from __future__ import annotations

import argparse


class UsageError(Exception):
    """A request the user can fix: said in one line."""


class NoData(Exception):
    """Nothing to work on (no open postings): said in one line, exit 1."""


class Unreadable(Exception):
    """An input file that is missing or cannot be read: a failure outside the command line, said in one
    line, exit 1 (as for a registry file)."""


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


def state_code(text: str) -> str:
    """`--state`: a US state code in any case, upper-cased; anything else is refused."""
    from emr_jobs.vocabulary import US_STATE_CODES

    code = text.strip().upper()
    if code not in US_STATE_CODES:
        raise argparse.ArgumentTypeError(f"not a US state code: {text!r} (choose from {', '.join(US_STATE_CODES)})")
    return code


def writable_file(path: str) -> None:
    """Refuse, in one line, an output file that cannot be written: '-' (stdout) is always fine."""
    import os
    from pathlib import Path

    if path == "-":
        return
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{target} is a directory; give a file name (or - for stdout)")
    if not target.parent.exists():
        raise UsageError(f"directory {target.parent} does not exist")
    if not target.parent.is_dir():
        raise UsageError(f"{target.parent} is not a directory")
    if target.exists() and not os.access(target, os.W_OK):
        raise UsageError(f"cannot write {target}: permission denied")
    if not target.exists() and not os.access(target.parent, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write into {target.parent}: permission denied")


def writable_dir(path: str) -> None:
    """Refuse, in one line, an output directory that exists as a file or cannot be created or written."""
    import os
    from pathlib import Path

    target = Path(path)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a directory")
    existing = target
    while not existing.exists():  # the nearest folder that exists must let us create the rest
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"{existing} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write into {existing}: permission denied")
