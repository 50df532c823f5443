"""Command-line mistakes as one line: what is wrong, the closest valid choice, exit 2.

The command line is parsed by click, which typer either depends on (typer < 0.20) or carries
inside itself as ``typer._click`` (later releases): the two raise exceptions of the same names
from different modules. Both are recognised here by their class names, so the CLI does not
depend on which typer a fresh install resolves to.

Every message reads ``error: <command path>: <problem>[; did you mean X?]``; without a close
match it points at ``--help`` instead. A command group run with no subcommand is a mistake
too (exit 2, with the subcommands listed), not a page of help.
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from typing import Any

USAGE_EXIT = 2

#: Exception classes (click's and typer's vendored click's) that mean "the command line is wrong".
_USAGE = {"UsageError", "BadParameter", "MissingParameter", "NoSuchOption", "BadOptionUsage",
          "BadArgumentUsage", "NoArgsIsHelpError"}  # fmt: skip
#: Other click exceptions that carry a message for the user (e.g. a FileError on a path).
_CLICK = {"ClickException", "FileError", *_USAGE}


def _names(exc: BaseException) -> set[str]:
    """The click class names ``exc`` is an instance of (click's or typer's own copy)."""
    return {
        cls.__name__ for cls in type(exc).__mro__ if cls.__module__.startswith(("click.", "typer."))
    }


def is_usage_error(exc: BaseException) -> bool:
    """Whether ``exc`` is click's (or typer's vendored click's) report of a bad command line."""
    return bool(_names(exc) & _CLICK)


def is_abort(exc: BaseException) -> bool:
    """Whether ``exc`` is click's or typer's Abort (a prompt cut short by Ctrl-C or end of input)."""
    return "Abort" in _names(exc)


def is_exit(exc: BaseException) -> bool:
    """Whether ``exc`` is click's or typer's Exit (``--help`` done, ``typer.Exit(code)``)."""
    return "Exit" in _names(exc) and hasattr(exc, "exit_code")


def usage_line(exc: BaseException, path: str = "") -> str:
    """One line for a command-line mistake, with the nearest valid option or command.

    ``path`` names the command when the exception does not (click raises some parser errors,
    such as an option given without its value, with no context).
    """
    names = _names(exc)
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else path
    where = f"{path}: " if path else ""
    help_hint = f"; see `{path} --help`" if path else ""
    command = getattr(ctx, "command", None)
    subcommands = sorted(getattr(command, "commands", {}) or {})
    message = str(getattr(exc, "message", "") or exc)

    if "NoArgsIsHelpError" in names or (subcommands and message.startswith("Missing command")):
        return f"{where}missing command; choose one of: {', '.join(subcommands)}"
    if "NoSuchOption" in names:
        option = str(getattr(exc, "option_name", "")) or _quoted(message) or message
        choices = list(getattr(exc, "possibilities", None) or [])
        if command is not None:
            choices = _closest(option, _option_names(command))
        return f"{where}unknown option {option}" + _suggest(choices[:1], help_hint)
    if subcommands and message.startswith("No such command"):
        typed = _quoted(message) or ""
        choices = _closest(typed, subcommands)
        return f"{where}unknown command {typed!r}" + _suggest(choices, help_hint)
    if "MissingParameter" in names:
        param = getattr(exc, "param", None)
        kind = getattr(param, "param_type_name", "parameter")
        label = _param_label(param)
        return f"{where}missing {kind} {label}{help_hint}".replace("  ", " ")
    if "BadParameter" in names:
        param = getattr(exc, "param", None)
        hint = getattr(exc, "param_hint", None) or _param_label(param)
        text = _one_line(message).removeprefix("Value error, ")
        allowed = re.findall(r"'([^']*)'", text.partition("is not one of")[2])
        choices = _closest(_quoted(text) or "", allowed) if allowed else []
        return f"{where}invalid value for {hint}: {text}" + _suggest(choices, "")
    if "FileError" in names:
        return f"{where}cannot open {getattr(exc, 'filename', '')}: {_one_line(message)}"
    return f"{where}{_lower_first(_one_line(message))}{help_hint}"


def _closest(typed: str, valid: list[str]) -> list[str]:
    """The one valid name meant: the only one ``typed`` begins, else the most similar."""
    started = [v for v in valid if typed and v.startswith(typed)]
    if len(started) == 1:
        return started
    # Compared without the dashes, which every option shares: "--frob" is not close to "--db".
    bare = {v.lstrip("-"): v for v in valid}
    return [bare[m] for m in get_close_matches(typed.lstrip("-"), list(bare), n=1, cutoff=0.6)]


def command_path(root: Any, name: str, args: list[str]) -> str:
    """The command ``args`` name, as far as they name one: "sourcetrace lists diff"."""
    path, command = [name], root
    for token in args:
        sub = (getattr(command, "commands", None) or {}).get(token)
        if sub is not None:
            path.append(token)
            command = sub
        elif not token.startswith("-"):
            break
    return " ".join(path)


def _suggest(choices: list[str], help_hint: str) -> str:
    if choices:
        return f"; did you mean {choices[0]}?"
    return help_hint


def _option_names(command: Any) -> list[str]:
    found: list[str] = []
    for param in getattr(command, "params", []):
        if getattr(param, "param_type_name", "") == "option":
            found += [*param.opts, *param.secondary_opts]
    return found


def _param_label(param: Any) -> str:
    if param is None:
        return ""
    if getattr(param, "param_type_name", "") == "argument":
        return str(getattr(param, "metavar", None) or (param.name or "").upper())
    opts = [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]
    return "/".join(o for o in opts if o.startswith("--")) or "/".join(opts)


def _quoted(message: str) -> str | None:
    found = re.search(r"'([^']*)'", message) or re.search(r":\s*(\S+)$", message)
    return found.group(1) if found else None


def _one_line(text: str) -> str:
    return " ".join(text.split()).rstrip(".")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


__all__ = ["USAGE_EXIT", "command_path", "is_abort", "is_exit", "is_usage_error", "usage_line"]
