"""Similar by meaning with a tiny model2vec model made inside the test (no network): vectors
embedded resumably and incrementally, the index saved and brought up to date, fusion in
/similar and /answers (which keeps its filters), and the ``embed`` command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import FIXTURES
from model2vec import StaticModel
from safetensors.numpy import save_file
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

from bot.cli import main
from bot.core.names.matching import Resolver
from bot.core.search.fulltext import Searcher, SearchQuery
from bot.core.search.meaning import Meaning
from bot.core.search.similar import find_similar
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store

# Words of one concept share a direction: "bladed weapons offences" means "knife crime".
CONCEPTS = {
    "knife": "knife knives bladed blade weapons weapon stabbing stabbings",
    "crime": "crime crimes offences offence criminal",
    "young": "teenagers young youth adolescents",
    "school": "school schools pupils teachers classroom",
    "water": "water sewage rivers river pollution discharges",
    "bus": "bus buses route routes timetable",
    "place": "manchester london greater",
}
BASE = json.loads((FIXTURES / "substantive.json").read_text())["value"]


def make_model(folder: Path) -> Path:
    rng = np.random.default_rng(25)
    vocab = {"[PAD]": 0, "[UNK]": 1}
    rows = [np.zeros(16), np.zeros(16)]
    for words in CONCEPTS.values():
        direction = rng.normal(size=16)
        for word in words.split():
            vocab[word] = len(vocab)
            rows.append(direction + rng.normal(scale=0.05, size=16))
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    # The model2vec format: the vectors in safetensors, the tokenizer, a config.
    folder.mkdir(parents=True)
    save_file({"embeddings": np.array(rows, dtype=np.float32)}, str(folder / "model.safetensors"))
    tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "config.json").write_text(json.dumps({"normalize": True,
                                                    "embedding_dtype": "float32"}))
    assert StaticModel.from_pretrained(str(folder)).dim == 16
    return folder


def question(qid: int, heading: str, text: str, **extra) -> dict:
    return dict(BASE, id=qid, uin=str(qid), heading=heading, groupedQuestions=[],
                questionText=f"To ask the Secretary of State for the Home Department, {text}",
                **extra)


QUESTIONS = [
    question(1, "Knives: Crime", "how many stabbings there were among teenagers in Manchester.",
             answeringBodyId=1, answeringBodyName="Home Office"),
    question(2, "Schools: Teachers", "how many teachers left schools in London."),
    question(3, "Water: Pollution", "how many sewage discharges there were into rivers."),
] + [question(10 + n, f"Buses: Route {n}", f"what the timetable is for bus route {n}.")
     for n in range(12)]


def write(tmp_path: Path, name: str, questions: list[dict]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"results": [{"value": q} for q in questions]}))
    return path


@pytest.fixture
def model(tmp_path: Path) -> Path:
    return make_model(tmp_path / "tiny-model")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "meaning.db") as s:
        ingest_paths(s, [write(tmp_path, "q.json", QUESTIONS)])
        yield s


def vectors(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM question_vectors").fetchone()[0]


def test_embedding_is_resumable_and_incremental(store: Store, model: Path, tmp_path) -> None:
    meaning = Meaning.load(str(model))
    total = store.count_questions()

    def stop_after_two_batches(done: int, seen: list[int] = []) -> None:  # noqa: B006
        seen.append(done)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        meaning.embed_missing(store, batch=3, progress=stop_after_two_batches)
    assert vectors(store) == 6  # two committed batches kept
    assert meaning.embed_missing(store, batch=3) == total - 6  # carries on where it stopped
    assert meaning.embed_missing(store) == 0  # nothing left
    stored = np.frombuffer(store.conn.execute(
        "SELECT vector FROM question_vectors WHERE question_id = 1").fetchone()[0], np.int8)
    assert stored.shape == (16,) and np.abs(stored).max() <= 127
    # A poll's new question is embedded from the change log, and joins the index.
    meaning.open_index(store)
    ingest_paths(store, [write(tmp_path, "new.json", [question(
        99, "Knife Crime: London", "what steps she is taking to reduce knife crime in London.")])])
    assert meaning.embed_changes(store) == 1
    assert 99 in meaning.nearest(meaning.query_vector(store, 1, ""), 5)


def test_bladed_weapons_finds_knife_crime_only_by_meaning(store: Store, model: Path) -> None:
    meaning = Meaning.load(str(model))
    meaning.embed_missing(store)
    meaning.open_index(store)
    draft = "bladed weapons offences involving adolescents"
    lexical = find_similar(store, draft, limit=5)
    assert 1 not in [r.row["id"] for r in lexical.results]  # no word in common
    fused = find_similar(store, draft, limit=5, neighbours=meaning.neighbours_function(store))
    assert fused.method == "fused"
    assert fused.results[0].row["id"] == 1
    by_id = find_similar(store, "1", limit=3, neighbours=meaning.neighbours_function(store))
    assert 1 not in [r.row["id"] for r in by_id.results]  # never itself


def test_answers_fuses_meaning_and_keeps_its_filters(store: Store, model: Path) -> None:
    meaning = Meaning.load(str(model))
    meaning.embed_missing(store)
    meaning.open_index(store)
    resolver = Resolver.from_store(store)
    plain = Searcher(store, resolver).search(SearchQuery(text="stabbing teenagers crime"))
    fused = Searcher(store, resolver, meaning.search_fusion).search(
        SearchQuery(text="blade offences adolescents"))
    assert plain.results[0].row["id"] == 1
    assert fused.results[0].row["id"] == 1
    filtered = Searcher(store, resolver, meaning.search_fusion).search(
        SearchQuery(text="blade offences adolescents", department="Department for Education"))
    assert 1 not in [r.row["id"] for r in filtered.results]  # Home Office's: filtered out


def test_saved_index_is_reused_and_another_model_starts_again(
    store: Store, model: Path, tmp_path: Path
) -> None:
    first = Meaning.load(str(model))
    first.embed_missing(store)
    assert first.open_index(store) == store.count_questions()
    saved = Path(f"{store.path}.vectors.usearch")
    assert saved.exists()
    second = Meaning.load(str(model))
    assert second.open_index(store) == store.count_questions()
    assert second.index_stamp == first.index_stamp  # loaded, nothing to add
    other = make_model(tmp_path / "other-model")
    third = Meaning.load(str(other))
    third.check_model(store)
    assert vectors(store) == 0  # another model's vectors do not compare


def test_embed_command(store: Store, model: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("EMBEDDING_MODEL", raising=False)
    db = str(store.path)
    assert main(["embed", "--db", db, "--model", str(model), "--batch", "4"]) == 0
    out = capsys.readouterr().out
    assert f"{store.count_questions():,} questions embedded" in out
    assert main(["embed", "--db", db, "--model", str(model)]) == 0
    assert capsys.readouterr().out.startswith("0 questions embedded")
    assert main(["embed", "--db", db]) == 2
    assert "EMBEDDING_MODEL" in capsys.readouterr().err
    assert main(["embed", "--db", db, "--model", str(model.parent / "nowhere")]) == 2
    assert "Could not load" in capsys.readouterr().err
