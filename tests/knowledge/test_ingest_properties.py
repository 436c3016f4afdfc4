"""Property tests of the article parser: any text is parsed or refused with IngestError,
never a crash; layout noise (line endings, spacing, page leftovers) does not change the result."""
from hypothesis import given
from hypothesis import strategies as st

import tests.hypothesis_profile  # noqa: F401 - the fixed profile
from bot.config import REPO_ROOT
from bot.knowledge.ingest import IngestError, parse_article

ARTICLE = (REPO_ROOT / "data" / "articles" / "leder.txt").read_text(encoding="utf-8")
LINES = ARTICLE.split("\n")
PARSED = parse_article(ARTICLE)
HEADINGS = ["Leder (job)", "Om jobbet", "Arbejdsopgaver", "Karriereveje", "Arbejdssteder",
            "Indkomst", "Uddannelsesvej", "Inspiration", "• punkt", "- punkt"]


def parses_or_refuses(text):
    try:
        return parse_article(text)
    except IngestError:
        return None


@given(st.text())
def test_arbitrary_text_never_crashes_the_parser(text):
    parses_or_refuses(text)


@given(st.lists(st.one_of(st.sampled_from(HEADINGS), st.sampled_from(LINES), st.text(max_size=80)),
                max_size=60))
def test_article_shaped_text_never_crashes_the_parser(lines):
    parses_or_refuses("\n".join(lines))


@given(st.lists(st.integers(0, len(LINES) - 1), min_size=1, max_size=5, unique=True))
def test_dropping_article_lines_is_parsed_or_refused_cleanly(dropped):
    parses_or_refuses("\n".join(l for i, l in enumerate(LINES) if i not in dropped))


@given(st.sampled_from(["\r\n", "\r", "\n"]), st.sampled_from(["", " ", "\t", "\u00a0"]))
def test_line_endings_and_trailing_spaces_do_not_change_the_result(newline, trailing):
    text = newline.join(line + trailing for line in LINES)
    assert parse_article(text) == PARSED


@given(st.lists(st.sampled_from(["", " ", "   "]), min_size=1, max_size=3))
def test_extra_blank_lines_at_the_ends_do_not_change_the_result(blanks):
    assert parse_article("\n".join(blanks) + "\n" + ARTICLE + "\n" + "\n".join(blanks)) == PARSED


def test_every_parsed_text_is_clean():
    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                yield from strings(item)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                yield from strings(getattr(value, name))

    for text in strings(PARSED):
        assert text == text.strip() and "  " not in text and "\n" not in text, repr(text)
