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
COMMON_SHARE = 0.01  # an n-gram in more than this share of the names (and COMMON_MIN) ...
COMMON_MIN = 100  # ... is left out of the product


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
        from every listed name). Unknown n-grams have no column: they cannot raise a cosine."""
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
        queries = self._queries(texts)
        if not queries.nnz:
            return [[] for _ in texts]
        product = sp_matmul_topn(queries, self.matrix_t, top_n=top, threshold=floor, sort=True)
        indptr = product.indptr.tolist()
        indices = product.indices.tolist()
        data = product.data.tolist()
        return [
            list(zip(indices[indptr[i] : indptr[i + 1]], data[indptr[i] : indptr[i + 1]],
                     strict=True))
            for i in range(len(texts))
        ]  # fmt: skip
