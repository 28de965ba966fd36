"""Similar by meaning: static embeddings beside each question, and a nearest-neighbour index.

Off unless ``EMBEDDING_MODEL`` names a model2vec model (a local folder, or a name in the local
Hugging Face cache; nothing is downloaded at run time when ``HF_HUB_OFFLINE=1``). Then:

- each question's heading and text (without its addressee) is embedded by the model, the
  vector normalised and kept as 8-bit integers in ``question_vectors`` (one row a question,
  ``stamp`` growing with each write, so an index knows what it has seen);
- ``python -m bot embed`` fills in what is missing, in committed batches (stop it any time: it
  carries on where it stopped), and new or changed questions are embedded as a poll or an
  ingest stores them (``embed_changes``, from the change log);
- an approximate nearest-neighbour index (usearch, HNSW, cosine over int8) is built from the
  table, saved beside the database, and brought up to date from the stamps when loaded.

``similar.fuse`` merges its ranking with bm25's by reciprocal rank: ``/similar`` through
``neighbours_function``, ``/answers`` through ``search_fusion`` (which keeps the search's filters).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from bot.core.search.similar import Neighbours, fuse, question_body

if TYPE_CHECKING:
    from bot.core.search.fulltext import Filters, FtsQuery, Searcher
    from bot.core.store.database import Store

log = logging.getLogger(__name__)

BATCH = 2_000  # questions embedded and committed at a time
NEIGHBOURS = 100  # nearest questions a query asks the index for
FUSE_DEPTH = 100  # from each ranking, for /answers
MODEL_STATE = "embedding_model"
CHANGES_STATE = "embedding_change_seq"
INDEX_SUFFIX = ".vectors.usearch"


class Model(Protocol):
    """What is needed of a model2vec ``StaticModel``."""

    @property
    def dim(self) -> int:
        """The vectors' dimensions."""

    def encode(self, sentences: Sequence[str], **kwargs: Any) -> Any:
        """One vector per sentence."""


def question_text(heading: str | None, text: str | None) -> str:
    """What is embedded: the heading, then the question without its addressee."""
    return f"{heading or ''}. {question_body(text or '')}".strip(" .")


def quantise(vectors: np.ndarray) -> np.ndarray:
    """Normalised float vectors as int8 (x 127): a quarter of the bytes, cosine kept."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.clip(np.rint(vectors / norms * 127.0), -127, 127).astype(np.int8)


@dataclass
class EmbedReport:
    """What ``embed_missing`` did: questions embedded now, and in the store in all."""

    embedded: int
    total: int
    seconds: float


class Meaning:
    """A loaded model and the index of the store's vectors."""

    def __init__(self, model: Model, name: str) -> None:
        self.model = model
        self.name = name
        self.ndim = int(model.dim)
        self.index: Any = None  # usearch Index once built
        self.index_stamp = 0  # the largest stamp the index holds
        self.lock = threading.Lock()  # adds to the index come from the writer and a builder

    @classmethod
    def load(cls, name_or_path: str) -> Meaning:
        """Load a model2vec model from a folder or the local cache (raises on failure; a
        path that is not there fails at once, without asking the Hugging Face hub)."""
        from model2vec import StaticModel

        path = Path(name_or_path).expanduser()
        if not path.exists() and (path.is_absolute() or str(name_or_path).startswith(".")):
            raise FileNotFoundError(f"no model folder at {name_or_path}")

        model = StaticModel.from_pretrained(name_or_path)
        return cls(model, str(name_or_path))

    @property
    def ready(self) -> bool:
        """Whether the index is built and can answer."""
        return self.index is not None and len(self.index) > 0

    # -- vectors ---------------------------------------------------------------------------------

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """int8 vectors of ``texts`` (one row each)."""
        raw = np.asarray(self.model.encode(list(texts)), dtype=np.float32)
        return quantise(raw.reshape(len(texts), self.ndim))

    def check_model(self, store: Store) -> None:
        """Forget every stored vector when they were made by another model (other dimensions
        or name): vectors of two models do not compare."""
        wanted = json.dumps({"name": Path(self.name).name, "ndim": self.ndim})
        if store.get_state(MODEL_STATE) != wanted:
            with store.transaction():
                store.conn.execute("DELETE FROM question_vectors")
                store.conn.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)",
                                   (MODEL_STATE, wanted))
            self.index, self.index_stamp = None, 0

    def _store_vectors(self, store: Store, rows: Sequence[tuple[int, str | None, str | None]]
                       ) -> int:
        """Embed rows (id, heading, text) and write their vectors in one transaction."""
        if not rows:
            return 0
        vectors = self.embed([question_text(h, t) for _, h, t in rows])
        with store.transaction():
            stamp = store.conn.execute(
                "SELECT coalesce(max(stamp), 0) FROM question_vectors").fetchone()[0]
            store.conn.executemany(
                "INSERT OR REPLACE INTO question_vectors (question_id, stamp, vector) "
                "VALUES (?, ?, ?)",
                [(qid, stamp + n + 1, vector.tobytes())
                 for n, ((qid, _, _), vector) in enumerate(zip(rows, vectors, strict=True))],
            )
        return len(rows)

    def missing_count(self, store: Store) -> int:
        """Questions without a vector."""
        return int(store.conn.execute(
            "SELECT (SELECT count(*) FROM questions) - (SELECT count(*) FROM question_vectors)"
        ).fetchone()[0])

    def embed_missing(
        self, store: Store, batch: int = BATCH, progress: Callable[[int], object] | None = None
    ) -> int:
        """Embed every question without a vector, in id order, a committed batch at a time
        (so a run stopped half way keeps what it did); returns how many were embedded.
        ``progress`` is told the size of each batch done."""
        self.check_model(store)
        # The change log from here on is what a later embed_changes has to look at.
        seq = store.last_change_seq()
        done, after = 0, None
        while True:
            rows = store.conn.execute(
                "SELECT q.id, q.heading, q.question_text FROM questions q "
                "WHERE NOT EXISTS (SELECT 1 FROM question_vectors v WHERE v.question_id = q.id)"
                + (" AND q.id > ?" if after is not None else "")
                + " ORDER BY q.id LIMIT ?",
                ((after, batch) if after is not None else (batch,)),
            ).fetchall()
            if not rows:
                break
            done += self._store_vectors(store, rows)
            after = rows[-1][0]
            if progress is not None:
                progress(len(rows))
        if store.get_state(CHANGES_STATE) is None:
            store.set_state(CHANGES_STATE, str(seq))
        return done

    def embed_changes(self, store: Store) -> int:
        """Embed the questions new or changed since the last call (from the change log), and
        add them to the index; returns how many. A store never embedded in full is left to
        ``python -m bot embed``."""
        last = store.get_state(CHANGES_STATE)
        if last is None:
            return 0
        seq = store.last_change_seq()
        ids = [r[0] for r in store.conn.execute(
            "SELECT DISTINCT question_id FROM changes WHERE seq > ? AND seq <= ?",
            (int(last), seq))]
        count = 0
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            marks = ",".join("?" * len(chunk))
            rows = store.conn.execute(
                f"SELECT id, heading, question_text FROM questions WHERE id IN ({marks})", chunk
            ).fetchall()
            count += self._store_vectors(store, rows)
        store.set_state(CHANGES_STATE, str(seq))
        if count and self.index is not None:
            self.update_index(store)
        return count

    # -- the index -------------------------------------------------------------------------------

    def _new_index(self) -> Any:
        from usearch.index import Index

        return Index(ndim=self.ndim, metric="cos", dtype="i8")

    def _vectors_after(self, store: Store, stamp: int, chunk: int = 50_000
                       ) -> Iterator[tuple[np.ndarray, np.ndarray, int]]:
        """(keys, int8 vectors, largest stamp) of the vectors written after ``stamp``."""
        while True:
            rows = store.conn.execute(
                "SELECT question_id, vector, stamp FROM question_vectors WHERE stamp > ? "
                "ORDER BY stamp LIMIT ?", (stamp, chunk)).fetchall()
            if not rows:
                return
            keys = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.int8).reshape(
                len(rows), self.ndim)
            stamp = rows[-1][2]
            yield keys, vectors, stamp

    def update_index(self, store: Store) -> int:
        """Add (or replace) in the index what was written since it was built; returns how
        many. Builds it when there is none."""
        added = 0
        with self.lock:
            if self.index is None:
                self.index = self._new_index()
            for keys, vectors, stamp in self._vectors_after(store, self.index_stamp):
                # Negative ids (ParlParse) are keys too: usearch keys are unsigned 64-bit.
                unsigned = keys.view(np.uint64)
                present = np.atleast_1d(np.asarray(self.index.contains(unsigned), dtype=bool))
                if present.any():
                    self.index.remove(unsigned[present])
                self.index.add(unsigned, vectors)
                self.index_stamp = stamp
                added += len(keys)
        return added

    def index_path(self, store: Store) -> Path | None:
        """Where the index is saved: beside the database (None for an in-memory store)."""
        if str(store.path) == ":memory:":
            return None
        return Path(f"{store.path}{INDEX_SUFFIX}")

    def open_index(self, store: Store) -> int:
        """Load the saved index when it fits the vectors, bring it up to date, and save it
        again when anything was added; returns the vectors it holds."""
        path = self.index_path(store)
        meta = Path(f"{path}.json") if path else None
        if path and meta and path.exists() and meta.exists():
            try:
                info = json.loads(meta.read_text())
                if info.get("ndim") == self.ndim and info.get("model") == Path(self.name).name:
                    index = self._new_index()
                    index.load(str(path))
                    self.index, self.index_stamp = index, int(info["stamp"])
            except (OSError, ValueError, KeyError, RuntimeError):
                log.warning("the saved vector index could not be read; rebuilding it")
                self.index, self.index_stamp = None, 0
        added = self.update_index(store)
        if added and path and meta:
            self.save_index(path, meta)
        return len(self.index) if self.index is not None else 0

    def save_index(self, path: Path, meta: Path) -> None:
        """Write the index and what it holds."""
        with self.lock:
            self.index.save(str(path))
            meta.write_text(json.dumps({"ndim": self.ndim, "model": Path(self.name).name,
                                        "stamp": self.index_stamp}))

    # -- queries ---------------------------------------------------------------------------------

    def query_vector(self, store: Store, question_id: int | None, text: str) -> np.ndarray:
        """A stored question's own vector, else the text's."""
        if question_id is not None:
            row = store.conn.execute(
                "SELECT vector FROM question_vectors WHERE question_id = ?", (question_id,)
            ).fetchone()
            if row is not None:
                return np.frombuffer(row[0], dtype=np.int8)
            found = store.conn.execute(
                "SELECT heading, question_text FROM questions WHERE id = ?", (question_id,)
            ).fetchone()
            if found is not None:
                return self.embed([question_text(found[0], found[1])])[0]
        return self.embed([question_text("", text)])[0]

    def nearest(self, vector: np.ndarray, count: int = NEIGHBOURS) -> list[int]:
        """Ids of the questions nearest ``vector``, nearest first."""
        if not self.ready:
            return []
        matches = self.index.search(vector, count)
        return [int(k) for k in np.asarray(matches.keys, dtype=np.uint64).view(np.int64)]

    def neighbours_function(self, store: Store) -> Neighbours | None:
        """The ranking by meaning ``find_similar`` fuses with bm25's (None until the index is
        ready)."""
        if not self.ready:
            return None

        def neighbours(question_id: int | None, text: str) -> list[int]:
            return self.nearest(self.query_vector(store, question_id, text), NEIGHBOURS + 1)

        return neighbours

    def search_fusion(
        self, searcher: Searcher, fts: FtsQuery, filters: Filters, text: str, limit: int,
        offset: int,
    ) -> tuple[list[int], int]:
        """``/answers`` by relevance, fused: bm25's best FUSE_DEPTH and the nearest by meaning
        that pass the same filters, merged by reciprocal rank; returns one page of ids and the
        total (bm25's, or the fused list's length when that is longer)."""
        lexical, total = searcher._ranked_ids(fts, filters, "relevance", FUSE_DEPTH, 0)
        if not self.ready:
            return lexical[offset : offset + limit], total
        store = searcher.store
        nearest = self.nearest(self.query_vector(store, None, text), FUSE_DEPTH)
        if nearest:
            where = " AND ".join(filters.where) or "1"
            kept = {r[0] for r in store.conn.execute(
                f"SELECT id FROM questions q WHERE q.id IN (SELECT value FROM json_each(?)) "
                f"AND {where}", [json.dumps(nearest), *filters.params])}
            nearest = [q for q in nearest if q in kept]
        fused = [qid for qid, _ in fuse([lexical, nearest])]
        return fused[offset : offset + limit], max(total, len(fused))
