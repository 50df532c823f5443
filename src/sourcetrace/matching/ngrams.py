"""Character n-gram retrieval: the listed names close to a query as a string, whatever its parse.

The trade-name keys of :mod:`sourcetrace.matching.index` find a listed name only when the query
parses into the same parts; one unknown word ("TEX GRP"), a typo in its first letters or an
address left on the line breaks that. This index compares the whole plain name instead
(:attr:`ParsedName.plain`: folded, legal forms and bill-of-lading noise off): each name is a
TF-IDF vector of its character 3-grams (spaces pad the words, as scikit-learn's ``char_wb``),
l2-normalised, and a query meets the listed names of highest cosine. Rare n-grams weigh more,
so the trade name carries the similarity, not "textile" or "group".

Built once per list index (and cached with it); a batch of queries is one sparse product
(``sparse_dot_topn``), a single query one row of it. The query vectors of a batch are built in
numpy, not name by name in Python: the batch's text is one array of code points, each n-gram one
integer (three 21-bit code points), looked up in the sorted n-grams of the list. They equal,
bit for bit and in the same order, what :func:`ngrams` and the idf give one name at a time
(:meth:`NgramIndex.query_vectors` is that reference; the tests compare the two).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sparse_dot_topn import sp_matmul_topn

N = 3  # n-gram width: 3 keeps a one-letter typo to three n-grams of a word's ~n
COMMON_SHARE = 0.01  # an n-gram in more than this share of the names (and COMMON_MIN) ...
COMMON_MIN = 100  # ... is left out of the product
_BITS = 21  # a code point fits in 21 bits, so an n-gram of N <= 3 of them in one uint64


def ngrams(text: str) -> list[str]:
    """The character n-grams of each word, the word padded with one space each side."""
    out: list[str] = []
    for word in text.split():
        padded = f" {word} "
        if len(padded) <= N:
            out.append(padded)
        else:
            out.extend(padded[i : i + N] for i in range(len(padded) - N + 1))
    return out


class NgramIndex:
    """A TF-IDF matrix of the listed names' character n-grams (names x n-grams, transposed)."""

    def __init__(self, texts: Sequence[str]) -> None:
        vocab: dict[str, int] = {}
        rows: list[dict[int, int]] = []
        for text in texts:
            counts: dict[int, int] = {}
            for gram in ngrams(text):
                col = vocab.setdefault(gram, len(vocab))
                counts[col] = counts.get(col, 0) + 1
            rows.append(counts)
        df = np.zeros(len(vocab), dtype=np.float64)
        for counts in rows:
            for col in counts:
                df[col] += 1
        # scikit-learn's smooth idf: log((1 + n) / (1 + df)) + 1
        self.idf = (np.log((1 + len(texts)) / (1 + df)) + 1).astype(np.float32)
        self.vocab = vocab
        self.size = len(texts)
        matrix = self._matrix(rows)
        # The product skips n-grams that many names share ("ng ", " co"): they add little to any
        # cosine and most of the product's work. Norms keep them, so cosines only go down.
        common = df > max(COMMON_MIN, COMMON_SHARE * len(texts))
        self.common = int(common.sum())
        matrix = matrix @ sparse.diags((~common).astype(np.float32))
        matrix.eliminate_zeros()
        self.matrix_t = sparse.csr_matrix(matrix.T)  # n-grams x names, the product's B
        self._sort_codes()

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Index caches written before the sorted codes existed are read as they are.
        self.__dict__.update(state)
        if "codes" not in state:
            self._sort_codes()

    def _sort_codes(self) -> None:
        """The vocabulary as sorted n-gram integers (``codes``) and their columns (``columns``)."""
        grams = [g for g in self.vocab if len(g) == N]  # every n-gram has N characters
        codes = _gram_codes(_code_points(grams), np.arange(len(grams), dtype=np.int64) * N)
        order = np.argsort(codes, kind="stable")
        self.codes = codes[order]
        self.columns = np.asarray([self.vocab[g] for g in grams], dtype=np.int64)[order]

    def _matrix(self, rows: list[dict[int, int]]) -> sparse.csr_matrix:
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        idf = self.idf
        for counts in rows:
            cols = list(counts)
            weights = [(1 + math.log(counts[c])) * float(idf[c]) for c in cols]  # sublinear tf
            norm = math.sqrt(sum(w * w for w in weights)) or 1.0
            indices.extend(cols)
            data.extend(w / norm for w in weights)
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32),
             np.asarray(indptr, dtype=np.int64)),
            shape=(len(rows), len(self.vocab)),
        )  # fmt: skip

    def _queries(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The query vectors: the list's idf, normalised over all their n-grams, known or not,
        an unknown one at the highest idf (a query of many words no listed name uses is far
        from every listed name). Unknown n-grams have no column: they cannot raise a cosine.

        Each row holds its n-grams in the order they first occur, with the weights and norm
        computed in the same order and precision as :meth:`query_vectors`, so the product's
        float32 sums, and the neighbours found, are the same.
        """
        n = len(texts)
        idf = self.idf.astype(np.float64)
        top_idf = float(self.idf.max()) if len(self.idf) else 1.0
        # Each word padded by one space; words and texts then meet at two spaces, which no
        # n-gram of a word holds: a window with two spaces in a row is not an n-gram.
        padded = [f" {'  '.join(t.split())} " for t in texts]
        lengths = np.fromiter(map(len, padded), dtype=np.int64, count=n)
        chars = _code_points(padded)
        windows = max(0, len(chars) - N + 1)
        space = chars == 32
        valid = np.ones(windows, dtype=bool)
        for k in range(N - 1):
            valid &= ~(space[k : k + windows] & space[k + 1 : k + 1 + windows])
        starts = np.flatnonzero(valid)
        owner = np.repeat(np.arange(n, dtype=np.int64), lengths)[starts]
        codes = _gram_codes(chars, starts)
        total = np.bincount(owner, minlength=n)
        pos = np.searchsorted(self.codes, codes)
        pos[pos == len(self.codes)] = 0
        known = (self.codes[pos] == codes) if len(self.codes) else np.zeros(len(codes), bool)
        owner, cols = owner[known], self.columns[pos[known]]
        unknown = total - np.bincount(owner, minlength=n)
        # (text, column) pairs with their count, ordered by where each first occurs.
        pairs, first, counts = np.unique(owner * len(self.vocab) + cols, return_index=True,
                                         return_counts=True)  # fmt: skip
        order = np.argsort(first, kind="stable")
        pairs, counts = pairs[order], counts[order]
        rows, cols = np.divmod(pairs, len(self.vocab)) if len(pairs) else (pairs, pairs)
        logs = np.asarray([math.log(c) for c in range(1, int(counts.max(initial=1)) + 1)])
        weights = (1 + logs[counts - 1]) * idf[cols]  # sublinear tf, as math.log gives it
        # bincount adds in input order from 0.0, as Python's sum does.
        norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=n)
                        + unknown.astype(np.float64) * top_idf * top_idf)  # fmt: skip
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        return sparse.csr_matrix(
            ((weights / norms[rows]).astype(np.float32), cols.astype(np.int32), indptr),
            shape=(n, len(self.vocab)),
        )

    def query_vectors(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """:meth:`_queries` one name at a time in Python: the definition the vectorised one
        must equal (kept for the tests and for reading)."""
        vocab, idf = self.vocab, self.idf
        top_idf = float(idf.max()) if len(idf) else 1.0
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for text in texts:
            counts: dict[int, int] = {}
            unknown = 0
            for gram in ngrams(text):
                col = vocab.get(gram)
                if col is None:
                    unknown += 1
                else:
                    counts[col] = counts.get(col, 0) + 1
            if counts:
                cols = list(counts)
                weights = [(1 + math.log(counts[c])) * float(idf[c]) for c in cols]
                norm = math.sqrt(sum(w * w for w in weights) + unknown * top_idf * top_idf)
                indices.extend(cols)
                data.extend(w / norm for w in weights)
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32),
             np.asarray(indptr, dtype=np.int64)),
            shape=(len(texts), len(vocab)),
        )  # fmt: skip

    def search(
        self, texts: Sequence[str], top: int, floor: float
    ) -> list[list[tuple[int, float]]]:
        """For each text, up to ``top`` listed names of cosine > ``floor``, best first."""
        if not texts or self.size == 0:
            return [[] for _ in texts]
        # Spellings of one shipper often share their plain name (legal form and case aside):
        # each distinct text is one row of the product.
        distinct = list(dict.fromkeys(texts))
        if len(distinct) < len(texts):
            found = dict(zip(distinct, self.search(distinct, top, floor), strict=True))
            return [list(found[t]) for t in texts]
        queries = self._queries(texts)
        if not queries.nnz:
            return [[] for _ in texts]
        product = sp_matmul_topn(queries, self.matrix_t, top_n=top, threshold=floor, sort=True)
        # One zip over the whole product, then a slice of it per row (not one zip per row).
        indptr = product.indptr.tolist()
        pairs = list(zip(product.indices.tolist(), product.data.tolist(), strict=True))
        return [pairs[indptr[i] : indptr[i + 1]] for i in range(len(texts))]


def _code_points(texts: Sequence[str]) -> np.ndarray:
    """The code points of the texts run together, as uint64 (lone surrogates kept as written)."""
    data = "".join(texts).encode("utf-32-le", "surrogatepass")
    return np.frombuffer(data, dtype=np.uint32).astype(np.uint64)


def _gram_codes(chars: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The n-gram starting at each of ``starts`` in ``chars`` as one integer."""
    codes = np.zeros(len(starts), dtype=np.uint64)
    for k in range(N):
        codes |= chars[starts + k] << np.uint64(_BITS * (N - 1 - k))
    return codes
