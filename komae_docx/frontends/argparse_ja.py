"""argparse in Japanese: usage, section titles, help of -h/--version and every argument error.

argparse builds its English texts with ``gettext`` (``argparse._`` and ``argparse.ngettext``, looked
up when a parser is built, when help is formatted and when an argument is refused).  A catalogue
keyed by those exact message ids, installed only while our parser is built and used
(:func:`japanese_argparse`), turns all of them into Japanese without copying argparse's code; a
message id this table does not know stays as argparse wrote it.

Why not click or typer: they translate the same way (gettext) and ship no Japanese catalogue either,
so they would add a dependency and an import cost (``--help`` must start fast) for the same table.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

MESSAGES: dict[str, str] = {
    "usage: ": "使い方: ",
    "positional arguments": "引数",
    "options": "オプション",
    "optional arguments": "オプション",
    "show this help message and exit": "この説明を表示して終わります",
    "show program's version number and exit": "バージョンを表示して終わります",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s の指定：%(message)s",
    "the following arguments are required: %s": "次の指定が必要です：%s",
    "unrecognized arguments: %s": "知らない指定です：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "%(value)r は選べません（選べるもの：%(choices)s）"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "%(parser_name)r というコマンドはありません（コマンド：%(choices)s）"
    ),
    "expected one argument": "値を1つ指定してください",
    "expected at most one argument": "値は1つまでです",
    "expected at least one argument": "値を1つ以上指定してください",
    "invalid %(type)s value: %(value)r": "%(value)r は正しい値ではありません",
    "not allowed with argument %s": "%s と同時には指定できません",
    "one of the arguments %s is required": "%s のどれかを指定してください",
    "ambiguous option: %(option)s could match %(matches)s": "%(option)s は %(matches)s のどれか分かりません",
    "ignored explicit argument %r": "%r は指定できません",
    "unexpected option string: %s": "思いがけないオプションです：%s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: エラー：%(message)s\n",
}
PLURAL_MESSAGES: dict[str, str] = {
    "expected %s argument": "値を %s 個指定してください",
}


def translate(message: str) -> str:
    return MESSAGES.get(message, message)


def translate_plural(singular: str, plural: str, count: int) -> str:
    return PLURAL_MESSAGES.get(singular, singular if count == 1 else plural)


@contextlib.contextmanager
def japanese_argparse() -> Iterator[None]:
    """Install the Japanese catalogue in argparse for the duration of the block."""
    names = vars(argparse)
    saved = names["_"], names["ngettext"]
    names["_"], names["ngettext"] = translate, translate_plural
    try:
        yield
    finally:
        names["_"], names["ngettext"] = saved


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and epilogs (examples, exit codes) keep their line breaks."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=100)

    def _format_action(self, action: argparse.Action) -> str:
        """List the commands directly under their section title, without a line for the metavar;
        align help texts after Japanese metavars by display width (argparse counts characters)."""
        if isinstance(action, argparse._SubParsersAction):
            self._dedent()
            parts = [self._format_action(sub) for sub in self._iter_indented_subactions(action)]
            self._indent()
            return "".join(parts)
        text = super()._format_action(action)
        header = " " * self._current_indent + self._format_action_invocation(action)
        extra = display_width(header) - len(header)
        first, newline, rest = text.partition("\n")
        if extra <= 0 or not first.startswith(header) or first == header:
            return text
        after = first[len(header) :]
        help_text = after.lstrip(" ")
        if len(after) - len(help_text) - extra >= 2:
            return header + after[extra:] + newline + rest
        help_position = min(self._action_max_length + 2, self._max_help_position)
        return header + "\n" + " " * help_position + help_text + newline + rest


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide and full-width characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


class JapaneseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose refusals end with a pointer to the command's help."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        hint = f"{self.prog} -h で説明を表示します。"
        self.exit(2, f"{self.prog}: エラー：{message}\n{hint}\n")

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        with japanese_argparse():
            super().print_help(file)

    def print_usage(self, file: SupportsWrite[str] | None = None) -> None:
        with japanese_argparse():
            super().print_usage(file)
