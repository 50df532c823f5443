"""Character n-gram retrieval: the listed names close to a query as a string, whatever its parse.

The trade-name keys of :mod:`sourcetrace.matching.index` find a listed name only when the query
parses into the same parts; one unknown word ("TEX GRP"), a typo in its first letters or an
address left on the line breaks that. This index compares the whole plain name instead
(:attr:`ParsedName.plain`: folded, legal forms and bill-of-lading noise off): each name is a
TF-IDF vector of its character 3-grams (spaces pad the words, as scikit-learn's ``char_wb``),
l2-normalised, and a query meets the listed names of highest cosine. Rare n-grams weigh more,
so the trade name carries the similarity, not "textile" or "group".

Built once per list index (and cached with it); a batch of queries is one sparse product
(``sparse_dot_topn``), a single query one row of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sparse_dot_topn import sp_matmul_topn

N = 3  # n-gram width: 3 keeps a one-letter typo to three n-grams of a word's ~n


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
        self.matrix_t = sparse.csr_matrix(matrix.T)  # n-grams x names, the product's B

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

    def _query_rows(self, texts: Sequence[str]) -> list[dict[int, int]]:
        vocab = self.vocab
        rows: list[dict[int, int]] = []
        for text in texts:
            counts: dict[int, int] = {}
            for gram in ngrams(text):
                col = vocab.get(gram)
                if col is not None:  # an n-gram no listed name has cannot raise a cosine
                    counts[col] = counts.get(col, 0) + 1
            rows.append(counts)
        return rows

    def search(
        self, texts: Sequence[str], top: int, floor: float
    ) -> list[list[tuple[int, float]]]:
        """For each text, up to ``top`` listed names of cosine > ``floor``, best first."""
        if not texts or self.size == 0:
            return [[] for _ in texts]
        rows = self._query_rows(texts)
        if not any(rows):
            return [[] for _ in texts]
        # Query vectors use the list's idf but are normalised over all their n-grams, known or
        # not: a query of many words the lists never use is far from every listed name.
        queries = self._matrix_with_unknown(texts, rows)
        product = sp_matmul_topn(queries, self.matrix_t, top_n=top, threshold=floor, sort=True)
        out: list[list[tuple[int, float]]] = []
        indptr, indices, data = product.indptr, product.indices, product.data
        for i in range(len(texts)):
            start, end = indptr[i], indptr[i + 1]
            out.append([(int(indices[j]), float(data[j])) for j in range(start, end)])
        return out

    def _matrix_with_unknown(
        self, texts: Sequence[str], rows: list[dict[int, int]]
    ) -> sparse.csr_matrix:
        matrix = self._matrix(rows)
        # Re-normalise: an unknown n-gram counts in the norm at the highest idf.
        top_idf = float(self.idf.max()) if len(self.idf) else 1.0
        scale = np.ones(len(texts), dtype=np.float32)
        for i, (text, counts) in enumerate(zip(texts, rows, strict=True)):
            grams = ngrams(text)
            known = sum(counts.values())
            unknown = len(grams) - known
            if unknown and counts:
                weights = [(1 + math.log(counts[c])) * float(self.idf[c]) for c in counts]
                known_sq = sum(w * w for w in weights)
                scale[i] = math.sqrt(known_sq / (known_sq + unknown * top_idf * top_idf))
        return sparse.csr_matrix(sparse.diags(scale) @ matrix)
