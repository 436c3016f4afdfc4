"""The store's names as entities (bot/nlu/store_entities.py): the component trained on a real store
and run on messages tokenised by the real Danish spaCy pipeline; then the trained model."""
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.config import REPO_ROOT
from bot.db import make_engine, make_session_factory, migrate
from bot.knowledge.ingest import ingest_file
from bot.nlu.store_entities import StoreEntityExtractor
from tests.knowledge.test_vocabulary import FORMS

GARTNER = REPO_ROOT / "tests" / "knowledge" / "fixtures" / "gartner.txt"
PIPELINE = REPO_ROOT / "var" / "spacy_da"
MODEL = REPO_ROOT / "models" / "evejleder.tar.gz"


@pytest.fixture(scope="module")
def spacy_pipeline(tmp_path_factory):
    if not PIPELINE.exists():
        pytest.fail(f"{PIPELINE} is missing: run `make spacy`")
    storage = LocalModelStorage(tmp_path_factory.mktemp("spacy"))
    context = ExecutionContext(GraphSchema({}), "test")
    nlp = SpacyNLP.create({**SpacyNLP.get_default_config(), "model": str(PIPELINE)}, storage,
                          Resource("spacy"), context)
    tokenizer = SpacyTokenizer.create(SpacyTokenizer.get_default_config(), storage, Resource("tok"), context)
    return nlp, nlp.provide(), tokenizer


def store_with(tmp_path, article: Path, slug: str, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    engine = make_engine(url)
    ingest_file(make_session_factory(engine), article, slug=slug)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("JOB_SLUG", slug)


def trained(tmp_path, spacy_pipeline):
    _, model, _ = spacy_pipeline
    (tmp_path / "model").mkdir(exist_ok=True)
    storage, resource = LocalModelStorage(tmp_path / "model"), Resource("store_entities")
    context = ExecutionContext(GraphSchema({}), "test")
    StoreEntityExtractor.create({}, storage, resource, context).train(TrainingData(), model)
    return StoreEntityExtractor.load({}, storage, resource, context)


def entities(component, spacy_pipeline, text, found_before=()):
    nlp, model, tokenizer = spacy_pipeline
    message = Message({TEXT: text})
    nlp.process([message], model)
    tokenizer.process([message])
    message.set("entities", [dict(e) for e in found_before])
    component.process([message])
    return [(e["entity"], e["value"], text[e["start"]:e["end"]]) for e in message.get("entities")]


def test_the_component_learns_the_names_of_the_ingested_article(tmp_path, spacy_pipeline, monkeypatch):
    store_with(tmp_path, GARTNER, "gartner", monkeypatch)
    component = trained(tmp_path, spacy_pipeline)
    assert entities(component, spacy_pipeline, "hvad laver planteskolelederne?") == [
        ("career_role", "planteskoleleder", "planteskolelederne")]
    assert entities(component, spacy_pipeline, "og en formand?") == [("career_role", "formand", "formand")]
    assert entities(component, spacy_pipeline, "hvad laver en direktør") == []


def test_training_without_an_ingested_article_says_what_to_do(tmp_path, spacy_pipeline, monkeypatch):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    migrate(url)
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(RuntimeError, match="make data"):
        trained(tmp_path, spacy_pipeline)


@pytest.fixture(scope="module")
def leder_component(tmp_path_factory, spacy_pipeline):
    monkeypatch = pytest.MonkeyPatch()
    tmp_path = tmp_path_factory.mktemp("leder")
    try:
        store_with(tmp_path, REPO_ROOT / "data" / "articles" / "leder.txt", "leder", monkeypatch)
        yield trained(tmp_path, spacy_pipeline)
    finally:
        monkeypatch.undo()


def test_the_store_s_value_replaces_the_learned_one_and_other_entities_stay(leder_component, spacy_pipeline):
    text = "kan en sygeplejerske blive afdelingslederen"
    learned = [{"entity": "career_role", "value": "afdelingslederen", "start": 27, "end": 43},
               {"entity": "other_job", "value": "sygeplejerske", "start": 7, "end": 20}]
    assert entities(leder_component, spacy_pipeline, text, learned) == [
        ("other_job", "sygeplejerske", "sygeplejerske"), ("career_role", "afdelingsleder", "afdelingslederen")]
    # A form the learned extractor found where the words alone are not enough for the vocabulary keeps its span.
    ceo = [{"entity": "career_role", "value": "direktør", "start": 14, "end": 17}]
    assert entities(leder_component, spacy_pipeline, "hvad laver en ceo", ceo) == [("career_role", "direktør", "ceo")]


def test_a_role_of_the_article_is_never_another_job_but_a_sector_word_may_be(leder_component, spacy_pipeline):
    # "generalsekretærer" is a form of the article's role; "designer" is another job that merely
    # looks like the sector example "design".
    role = [{"entity": "other_job", "value": "generalsekretærer", "start": 13, "end": 30}]
    assert entities(leder_component, spacy_pipeline, "jeg vil være generalsekretærer", role) == [
        ("career_role", "generalsekretær", "generalsekretærer")]
    job = [{"entity": "other_job", "value": "designer", "start": 13, "end": 21}]
    assert entities(leder_component, spacy_pipeline, "jeg vil være designer", job) == [
        ("other_job", "designer", "designer")]


@pytest.mark.parametrize("text", ["", "   ", "<b>direktør</b>", "a" * 5000, "😀 🚀"])
def test_odd_messages_do_not_break_it(leder_component, spacy_pipeline, text):
    entities(leder_component, spacy_pipeline, text)


@pytest.fixture(scope="module")
def parser():
    from nlu_eval.rasa_model import RasaParser

    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train`")
    parser = RasaParser(MODEL)
    yield parser
    parser.close()


@pytest.mark.parametrize("role, form", [(role, form) for role, forms in FORMS.items() for form in forms])
def test_the_trained_model_finds_every_role_in_every_form(parser, role, form):
    parsed = parser.predict([(f"hvad laver en {form}", "", frozenset())])[0]
    assert ("career_role", role) in parsed.entities
    assert {value for entity, value in parsed.entities if entity == "career_role"} == {role}
