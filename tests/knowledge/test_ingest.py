"""Parsing and storing UG articles: leftovers, idempotency, transactions, malformed files, CLI."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from bot.config import REPO_ROOT
from bot.db import Base, make_engine
from bot.knowledge import ingest, models
from bot.knowledge.ingest import IngestError, ingest_file, parse_article, read_article
from bot.knowledge.store import KnowledgeStore

LEDER = REPO_ROOT / "data" / "articles" / "leder.txt"
GARTNER = Path(__file__).parent / "fixtures" / "gartner.txt"
LEDER_TEXT = LEDER.read_text(encoding="utf-8")


def dump(session_factory) -> dict:
    """Every row of every table, for before/after comparisons."""
    with session_factory() as session:
        return {
            table.name: sorted(tuple(map(str, row)) for row in session.execute(select(table)))
            for table in Base.metadata.sorted_tables
        }


def all_text(session_factory) -> str:
    return "\n".join(str(v) for rows in dump(session_factory).values() for row in rows for v in row)


def write(tmp_path, name: str, content) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- schema ------------------------------------------------------------------------------

def test_migration_creates_exactly_the_knowledge_models(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_object": lambda obj, name, type_, reflected, compare_to:
                type_ != "table" or name.startswith("knowledge_"),
        })
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


# --- parsing -----------------------------------------------------------------------------

def test_page_leftovers_are_dropped(session_factory):
    ingest_file(session_factory, LEDER)
    stored = all_text(session_factory)
    for leftover in ("Fold alle afsnit ud", "Foto:", "Getty Images", "Klik og gå til siden",
                     "Gå til Uddannelseszoom", "Læs om:", "To eVejledere i gang med vejledning",
                     "Leder på arbejde", "Jobkompasset"):
        assert leftover not in stored, leftover
    # ...while the real prose next to them survives
    assert "Få hjælp til at vælge job og se mulige uddannelsesveje." in stored
    assert "Læs om dine muligheder for mere uddannelse" in stored


def test_nbsp_and_bullet_indentation_are_normalised():
    article = parse_article(LEDER_TEXT)
    afdelingsleder = {p.role: p.description for p in article.career_paths.paths}["Afdelingsleder"]
    assert afdelingsleder.startswith("Du har bl.a. ansvar for")
    assert "\u00a0" not in repr(article)


def test_overview_headings_are_short_lines_without_period():
    sections = parse_article(LEDER_TEXT).overview
    assert [s.heading for s in sections] == [
        None,
        "Ledelse på øverste niveau – mål og strategi",
        "Ledelse på mellemniveau – planlægning og resultater",
        "Trivsel, dialog og udvikling",
    ]
    assert [len(s.paragraphs) for s in sections] == [1, 1, 1, 2]


@pytest.mark.parametrize("path", [LEDER, GARTNER], ids=["leder", "gartner"])
def test_the_store_returns_the_parsed_article(session_factory, path):
    ingest_file(session_factory, path)
    article = KnowledgeStore(session_factory).article(ingest.slug_for(path))
    assert article == parse_article(path.read_text(encoding="utf-8"))
    assert article.career_paths.paths and article.workplaces.items and article.job_titles


def leder_tasks(session_factory):
    with session_factory() as session:
        return session.execute(
            select(models.Task.id, models.Task.text).join(models.Job, models.Task.job_id == models.Job.id)
            .where(models.Job.slug == "leder").order_by(models.Task.position)
        ).all()


def test_synthetic_article_proves_the_parser_is_generic(session_factory):
    ingest_file(session_factory, LEDER)
    leder_before = leder_tasks(session_factory)
    result = ingest_file(session_factory, GARTNER)
    assert (result.slug, result.status) == ("gartner", "created")

    store = KnowledgeStore(session_factory)
    assert store.job_slugs() == ["gartner", "leder"]
    job = store.job("gartner")
    assert job.title == "Gartner"
    assert job.summary.startswith("Som gartner passer du planter")
    assert store.source("gartner").title == "Gartner"
    assert store.job_titles("gartner") == ["Anlægsgartner", "Væksthusgartner", "Parkarbejder", "Havemand"]
    assert store.skills("gartner").items == [
        "viden om planter og jord", "arbejde med hænderne", "planlægge", "samarbejde med kunder"]
    assert [s.heading for s in store.overview("gartner")] == [None, "Pleje af grønne områder"]
    assert store.tasks("gartner").items == [
        "Planter træer og buske", "Passer bede og plæner", "Rådgiver kunder om planter"]
    careers = store.career_paths("gartner")
    assert [(p.role, p.description) for p in careers.paths] == [
        ("Formand", "Du leder et sjak af gartnere."),
        ("Planteskoleleder", "Du har ansvar for driften af en planteskole."),
    ]
    assert careers.entrepreneur is None
    assert store.career_path("gartner", "iværksætter") is None
    workplaces = store.workplaces("gartner")
    assert [(s.name, s.examples) for s in workplaces.items] == [
        ("Kommunale parkafdelinger", "i byparker og på kirkegårde"),
        ("Planteskoler", "frilandsplanteskoler og væksthuse"),
        ("Private haver", ""),
    ]
    assert workplaces.summary == "Planteskoler, kommuner og anlægsgartnerier"
    education = store.education("gartner")
    assert education.routes == ["erhvervsuddannelse som anlægsgartner", "uddannelse som væksthusgartner"]
    assert education.entry_requirements is None
    assert store.further_education("gartner") == []
    assert store.salary("gartner").pointers == ["fagforeningens hjemmeside"]
    outlook = store.employment_outlook("gartner")
    assert (outlook.scale, outlook.source) == (["Gode", "Mindre gode"], "Et opdigtet styrelseskontor")
    assert store.contact_channels("gartner") == ["telefon", "mail"]
    assert "Et foto af en have." not in all_text(session_factory)
    # the other job is untouched
    assert leder_tasks(session_factory) == leder_before
    assert len(store.tasks("leder").items) == 8


# --- idempotency and replacement ----------------------------------------------------------

def test_reingesting_the_same_file_is_a_no_op(session_factory):
    first = ingest_file(session_factory, LEDER)
    before = dump(session_factory)
    second = ingest_file(session_factory, LEDER)
    assert (first.status, second.status) == ("created", "unchanged")
    assert dump(session_factory) == before        # same ids, same ingested_at, same everything


def test_force_rewrites_an_unchanged_file(session_factory):
    ingest_file(session_factory, LEDER)
    result = ingest_file(session_factory, LEDER, force=True)
    assert result.status == "updated"
    assert KnowledgeStore(session_factory).job_titles("leder")[0] == "Direktør"


def test_changed_content_replaces_the_jobs_rows(session_factory, tmp_path):
    ingest_file(session_factory, LEDER, slug="leder")
    ingest_file(session_factory, GARTNER)
    before = dump(session_factory)
    changed = LEDER_TEXT.replace(" • Deltager i møder\n", "").replace(", Gruppeleder", ", Gruppeleder, Teamleder")
    result = ingest_file(session_factory, write(tmp_path, "leder-v2.txt", changed), slug="leder")
    assert result.status == "updated"

    store = KnowledgeStore(session_factory)
    assert len(store.tasks("leder").items) == 7
    assert store.job_titles("leder")[-1] == "Teamleder"
    assert store.source("leder").title == "Leder"
    with session_factory() as session:
        jobs = session.execute(select(models.Job.slug, models.Job.source_file)).all()
        orphans = session.execute(
            select(func.count()).select_from(models.Paragraph)
            .where(~models.Paragraph.section_id.in_(select(models.Section.id)))
        ).scalar_one()
        # no duplicated rows: as many sections as a fresh ingest produces, per job
        sections = session.execute(select(func.count()).select_from(models.Section)).scalar_one()
    assert sorted(jobs) == [("gartner", "gartner.txt"), ("leder", "leder-v2.txt")]
    assert orphans == 0
    assert sections == len(before["knowledge_section"])
    assert store.tasks("gartner").items[0] == "Planter træer og buske"


def test_failed_write_rolls_back_everything(session_factory, tmp_path, monkeypatch):
    ingest_file(session_factory, LEDER)
    before = dump(session_factory)
    real_rows = ingest._child_rows

    def rows_with_a_broken_one(job_id, article):
        return real_rows(job_id, article) + [models.Task(job_id=job_id, position=99, text=None)]

    monkeypatch.setattr(ingest, "_child_rows", rows_with_a_broken_one)
    changed = write(tmp_path, "leder.txt", LEDER_TEXT.replace("Gruppeleder", "Gruppeleder, Teamleder"))
    with pytest.raises(Exception, match="(?i)not[ -]null"):
        ingest_file(session_factory, changed, slug="leder")
    assert dump(session_factory) == before


# --- malformed files ----------------------------------------------------------------------

MALFORMED = {
    "empty": (b"", "empty"),
    "whitespace": ("  \n\n \n", "empty"),
    "latin-1": (LEDER_TEXT.encode("latin-1", errors="replace"), "not valid UTF-8"),
    "binary": (bytes(range(256)) * 8, "binary"),
    "huge": ("Leder (job)\n" + "x" * 1_100_000, "larger than"),
    "no title": (LEDER_TEXT.replace("Leder (job)", "Leder"), "title"),
    "no Arbejdsopgaver": (LEDER_TEXT.replace("\nArbejdsopgaver\n", "\n"), "Arbejdsopgaver"),
    "no Karriereveje": (LEDER_TEXT.replace("\nKarriereveje\n", "\n"), "Karriereveje"),
    "no Stillingsbetegnelser": (
        LEDER_TEXT.replace("Stillingsbetegnelser:\n", "").replace(
            "Direktør, Virksomhedsleder, Institutionsleder, Mellemleder, Arbejdsleder, Chef, Manager, "
            "Forstander, Afdelingsleder, Salgsleder, Bestyrer, Værkfører, Gruppeleder\n", ""),
        "Stillingsbetegnelser"),
    "no task bullets": (LEDER_TEXT.replace(" • ", " - "), "no '•' task bullets"),
    "career bullet without role": (
        LEDER_TEXT.replace(" • Direktør: Du", " • Direktør. Du"), "Role: description"),
    "duplicated section": (LEDER_TEXT + "\nKarriereveje\n\n • A: b\n", "appears twice"),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_file_raises_and_leaves_the_database_unchanged(name, session_factory, tmp_path):
    content, message = MALFORMED[name]
    ingest_file(session_factory, LEDER)
    before = dump(session_factory)
    with pytest.raises(IngestError, match=message):
        ingest_file(session_factory, write(tmp_path, "leder.txt", content), slug="leder")
    assert dump(session_factory) == before
    assert before["knowledge_task"]          # the comparison is not vacuous


def test_missing_file_raises(tmp_path):
    with pytest.raises(IngestError, match="not found"):
        read_article(tmp_path / "nope.txt")


def test_invalid_slug_is_refused(session_factory):
    with pytest.raises(IngestError, match="invalid slug"):
        ingest_file(session_factory, LEDER, slug="Leder Job!")


# --- CLI ------------------------------------------------------------------------------------

def run_cli(tmp_path, *args, **env):
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT),
                   "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", **env}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_cli_ingests_then_reports_unchanged(tmp_path):
    first = run_cli(tmp_path, "ingest", str(LEDER))
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines() == [
        "leder: created from leder.txt (13 job titles, 8 tasks, 7 career paths, 9 sectors, 3 education routes)"]
    second = run_cli(tmp_path, "ingest", str(LEDER), "--slug", "leder")
    assert second.returncode == 0, second.stderr
    assert len(second.stdout.strip().splitlines()) == 1
    assert second.stdout.startswith("leder: unchanged")
    assert (tmp_path / "cli.db").exists()


def test_cli_defaults_to_the_configured_article(tmp_path):
    result = run_cli(tmp_path, "ingest", JOB_SLUG="leder-default")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("leder-default: created from leder.txt")


def test_cli_fails_with_one_line_and_no_traceback(tmp_path):
    bad = write(tmp_path, "bad.txt", LEDER_TEXT.replace("\nKarriereveje\n", "\n"))
    result = run_cli(tmp_path, "ingest", str(bad))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"ingest failed: {bad}: missing required section(s): Karriereveje"]
