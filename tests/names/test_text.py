"""Text folding and pinyin."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT

from sourcetrace.names.text import pinyin

# Phrases of pypinyin's dictionary (read as one word), polyphonic characters and others.
_PHRASES = sorted(PHRASES_DICT)[::500]
_PIECES = [
    *_PHRASES, "中", "泰", "化学", "重庆", "银行", "行", "长", "乐", "朝阳", "广", "厦门", "䶮", "龘", "豈",
    "a", "1", " ",
]  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8).map("".join))
def test_pinyin_is_pypinyins_reading_of_the_whole_string(text: str) -> None:
    """pinyin reads pypinyin's words one by one: the same as reading the whole string at once."""
    whole = "".join(lazy_pinyin(text, style=Style.NORMAL, errors="ignore")).replace("v", "u")
    assert pinyin(text) == whole


def test_pinyin() -> None:
    assert pinyin("中泰") == "zhongtai"
    assert pinyin("重庆银行") == "chongqingyinhang"
    assert pinyin("绿") == "lu"
