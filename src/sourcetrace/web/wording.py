"""Error lines in the web's words: the command's options become the form's fields.

The readers and the use cases word their errors for the command line ("give it with
--header-row N"), where the fix is an option. In the workspace the fix is a field of the form the
file came from, so :func:`web_words` rewrites a :meth:`~sourcetrace.errors.SourcetraceError.line`
as it reaches a page: each option the form has is named by its field's label, and what to do is
said as what to fill in. Where the form has no such field (the supply-chain form reads its files
as detected), the line says how to change the file instead. The readers keep one wording; this
is the only place that knows both. No ``--`` flag reaches a page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

UPLOAD_FIELDS: dict[str, str] = {
    "--name-column": "Company name",
    "--address-column": "Address",
    "--country-column": "Country",
    "--id-column": "Identifier (USCC)",
    "--sheet": "Sheet",
    "--header-row": "Header row",
    "--encoding": "Text encoding",
}
"""Each option of ``sourcetrace screen`` the supplier upload form has, and its field's label."""
CHAIN_FIELDS: dict[str, str] = {}
"""The supply-chain upload form has no reading options: its files are read as detected."""
FORM = "the upload form"

_FIX_THE_FILE: dict[str, str] = {
    "--encoding": "save the file as UTF-8 and upload it again",
    "--header-row": "put the column names on the first row and upload the file again",
    "--sheet": "put the table on the workbook's first sheet and upload it again",
}
"""What to do where the form has no field for an option: change the file."""
_IT = {"--header-row": "the number of that row", "--encoding": "the file's encoding"}
"""What "it" stands for in "give it with --option", said outright on a form."""

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


class _Form:
    """The options one form has as fields, and how to name each option on it."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = fields

    def plain(self, option: str) -> str:
        label = self.fields.get(option) or UPLOAD_FIELDS.get(option)
        return label.lower() if label else option.lstrip("-").replace("-", " ")

    def name(self, option: str) -> str:
        label = self.fields.get(option)
        return f'"{label}"' if label else self.plain(option)

    def where(self, option: str) -> str:
        label = self.fields.get(option)
        return f'the "{label}" field of {FORM}' if label else f"the {self.plain(option)} setting"

    def ask(self, option: str, fill_in: str) -> str:
        """``fill_in`` when the form has the field, else how to change the file."""
        if option in self.fields or option not in _FIX_THE_FILE:
            return fill_in
        return _FIX_THE_FILE[option]

    def give_with(self, m: re.Match[str]) -> str:
        what, option = m.group(1), m.group(2)
        thing = _IT.get(option, what) if what == "it" else what
        return self.ask(option, f"enter {thing} in {self.where(option)}")


def web_words(line: str, fields: Mapping[str, str] = UPLOAD_FIELDS) -> str:
    """``line`` with each command-line option replaced by what to do on the form whose fields
    are ``fields`` (option -> label; the supplier upload form's by default)."""
    form = _Form(fields)
    line = _GIVE_WITH.sub(form.give_with, line)
    line = _GIVE.sub(lambda m: form.ask(m.group(1), f"fill in {form.where(m.group(1))}"), line)
    line = _TRY_ANOTHER.sub(
        lambda m: form.ask(
            m.group(1), f"choose another {form.plain(m.group(1))} in {form.where(m.group(1))}"
        ),
        line,
    )
    line = _WITH_NUMBER.sub(lambda m: f"{form.name(m.group(1))} {m.group(2)}", line)
    return _ANY.sub(lambda m: form.where(m.group(1)), line)
