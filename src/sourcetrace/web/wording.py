"""Error lines in the web's words: the command's options become the upload form's fields.

The readers and the use cases word their errors for the command line ("give it with
--header-row N"), where the fix is an option. In the workspace the fix is a field of the form the
file came from, so :func:`web_words` rewrites a :meth:`~sourcetrace.errors.SourcetraceError.line`
as it reaches a page: each option the form has is named by its field's label, and what to do is
said as what to fill in. The readers keep one wording; this is the only place that knows both.
An option the web has no field for is named in plain words, never as a ``--`` flag.
"""

from __future__ import annotations

import re

FORM_FIELDS: dict[str, str] = {
    "--name-column": "Company name",
    "--address-column": "Address",
    "--country-column": "Country",
    "--id-column": "Identifier (USCC)",
    "--sheet": "Sheet",
    "--header-row": "Header row",
    "--encoding": "Text encoding",
}
"""Each option of ``sourcetrace screen`` the upload form has, and its field's label there."""
FORM = "the upload form"

_OPTION = r"(--[a-z][a-z0-9-]*)"
_VALUE = r"(?: [A-Z][A-Z|]*)?"  # the option's placeholder: COLUMN, N, NAME, NAME|N
# The ways the readers ask for an option, most specific first: "give the column holding the
# company name with --name-column COLUMN", "give it with --encoding", "give --sheet NAME",
# "try another --encoding".
_GIVE_WITH = re.compile(rf"\bgive (it|the [^;,()]+?) with {_OPTION}{_VALUE}")
_GIVE = re.compile(rf"\bgive {_OPTION}{_VALUE}")
_TRY_ANOTHER = re.compile(rf"\btry another {_OPTION}")
_WITH_NUMBER = re.compile(rf"{_OPTION} (\d+)")
_ANY = re.compile(_OPTION)


def field_name(option: str) -> str:
    """How the web names an option: its form field's label in quotes, else plain words."""
    label = FORM_FIELDS.get(option)
    if label is not None:
        return f'"{label}"'
    return _plain(option)


def _plain(option: str) -> str:
    label = FORM_FIELDS.get(option)
    return label.lower() if label else option.lstrip("-").replace("-", " ")


_IT = {"--header-row": "the number of that row", "--encoding": "the file's encoding"}
"""What "it" stands for in "give it with --option", said outright on a form."""


def _where(option: str) -> str:
    label = FORM_FIELDS.get(option)
    return f'the "{label}" field of {FORM}' if label else f"the {_plain(option)} setting"


def _give_with(m: re.Match[str]) -> str:
    what, option = m.group(1), m.group(2)
    thing = _IT.get(option, what) if what == "it" else what
    return f"enter {thing} in {_where(option)}"


def web_words(line: str) -> str:
    """``line`` with each command-line option replaced by what to do on the form."""
    line = _GIVE_WITH.sub(_give_with, line)
    line = _GIVE.sub(lambda m: f"fill in {_where(m.group(1))}", line)
    line = _TRY_ANOTHER.sub(
        lambda m: f"choose another {_plain(m.group(1))} in {_where(m.group(1))}", line
    )
    line = _WITH_NUMBER.sub(lambda m: f"{field_name(m.group(1))} {m.group(2)}", line)
    return _ANY.sub(lambda m: _where(m.group(1)), line)
