"""The string retrieval's query vectors, built for a batch in numpy, equal the reference built
one name at a time, bit for bit: the neighbours found cannot differ."""

from __future__ import annotations

import numpy as np

from sourcetrace.matching import Matcher
from sourcetrace.names.parse import parse_name


def test_batch_query_vectors_equal_the_reference(matcher: Matcher) -> None:
    index = matcher.index.ngrams
    listed = [n.value for n in matcher.index.names]
    texts = [parse_name(v).plain for v in listed]
    # Bill-of-lading spellings: upper case with the address on the line, a letter dropped,
    # words run together; then scripts, repeated n-grams, blanks and one-letter words.
    texts += [f"{v.upper()} NO 16 JIEFANG RD KASHGAR 844000 CN" for v in listed[::5]]
    texts += [v[:3] + v[4:] for v in listed[::3]]
    texts += [v.replace(" ", "") for v in listed[::7]]
    texts += ["", "   ", "a", "a b  c\td\n", "新疆中泰化学股份有限公司", "ТОВ Агро Трейд",
              "قەشقەر يولى", "aaaa aaaa banana", "\ud800x"]  # fmt: skip
    got = index._queries(texts)
    want = index.query_vectors(texts)
    assert got.shape == want.shape
    assert np.array_equal(got.indptr, want.indptr)
    assert np.array_equal(got.indices, want.indices)
    assert np.array_equal(got.data, want.data)
    assert got.nnz > 10 * len(texts)


def test_a_batch_finds_what_single_names_find(matcher: Matcher) -> None:
    index = matcher.index.ngrams
    texts = [parse_name(n.value).plain for n in matcher.index.names[::11]]
    texts += ["xinjinag zhongtai chemical", "shandong ruyi tex grp"]
    batch = index.search(texts, 6, 0.3)
    assert batch == [index.search([t], 6, 0.3)[0] for t in texts]
    assert sum(1 for found in batch if found) > len(texts) // 2
