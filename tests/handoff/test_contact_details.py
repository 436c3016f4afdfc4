"""Contact details of the eVejledning, read from the opening-hours file."""
from bot.config import REPO_ROOT
from bot.handoff.contact_details import ContactDetails

SHIPPED = REPO_ROOT / "config" / "opening_hours.yml"


def test_shipped_details_are_complete_and_marked_as_example_values():
    assert "EXAMPLE VALUES" in SHIPPED.read_text(encoding="utf-8")
    details = ContactDetails.from_file(SHIPPED)
    assert details.phone and details.email and details.chat_url.startswith("https://")


def test_each_channel_the_article_names_gets_its_detail():
    details = ContactDetails(phone="70 20 30 40", email="a@example.dk", chat_url="https://example.dk/c")
    assert details.labels(["telefon", "mail", "chat", "brev"]) == [
        "telefon (70 20 30 40)", "e-mail (a@example.dk)", "chat (https://example.dk/c)", "brev"]


def test_a_file_without_a_contact_section_names_bare_channels(tmp_path):
    for text in ("weekly: {}\n", "contact: nonsense\n", "contact:\n  phone: ''\n", ""):
        path = tmp_path / "hours.yml"
        path.write_text(text)
        assert ContactDetails.from_file(path).labels(["telefon"]) == ["telefon"]
