"""Property tests of the callback form's contact validation (bot.privacy.detect and the
form validator in actions/handoff.py): any input gets an answer, never an exception."""
import re

from hypothesis import given
from hypothesis import strategies as st
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import tests.hypothesis_profile  # noqa: F401 - the fixed profile
from actions.handoff import MAX_QUESTION, MAX_TIME, ValidateCallbackForm
from bot.privacy.detect import normalise_email, normalise_phone

NORMAL_PHONE = re.compile(r"\+45 [2-9][0-9]( [0-9]{2}){3}")
SEPARATORS = st.sampled_from([" ", "-", ".", "", "  ", "/"])
ANY_VALUE = st.one_of(st.text(), st.none(), st.integers(), st.floats(), st.lists(st.text()),
                      st.dictionaries(st.text(), st.text()))


def tracker():
    return Tracker("t", {}, {}, [], False, None, {}, "")


@given(st.text())
def test_a_phone_number_is_none_or_in_normal_form_and_stable(text):
    phone = normalise_phone(text)
    assert phone is None or NORMAL_PHONE.fullmatch(phone)
    if phone:
        assert normalise_phone(phone) == phone


@given(st.text(alphabet="0123456789", min_size=8, max_size=8).filter(lambda d: d[0] in "23456789"),
       st.sampled_from(["", "+45", "0045", "+45 "]), SEPARATORS)
def test_every_danish_subscriber_number_is_accepted_however_it_is_spaced(digits, prefix, sep):
    spaced = prefix + sep.join(digits[i:i + 2] for i in range(0, 8, 2))
    assert normalise_phone(spaced) == "+45 " + " ".join(digits[i:i + 2] for i in range(0, 8, 2))


@given(st.text(alphabet=st.characters(whitelist_categories=["Nd"]), min_size=8, max_size=8))
def test_only_ascii_digits_make_a_phone_number(digits):
    if not digits.isascii():
        assert normalise_phone(digits) is None


@given(st.text())
def test_an_email_address_is_none_or_stable_with_a_lower_case_domain(text):
    email = normalise_email(text)
    if email is not None:
        assert normalise_email(email) == email
        assert email.count("@") == 1 and len(email) <= 254
        assert email.split("@")[1] == email.split("@")[1].lower()
        assert not any(c.isspace() for c in email)


@given(st.emails())
def test_ordinary_email_addresses_are_accepted(address):
    local, domain = address.rsplit("@", 1)
    if len(local) <= 64 and len(address) <= 254 and "." in domain:
        assert normalise_email(address) is not None


@given(ANY_VALUE)
def test_the_form_validators_never_crash_and_bound_what_they_keep(value):
    form, dispatcher = ValidateCallbackForm(), CollectingDispatcher()
    contact = form.validate_callback_contact(value, dispatcher, tracker(), {})["callback_contact"]
    assert contact is None or NORMAL_PHONE.fullmatch(contact) or "@" in contact
    assert (contact is None) == bool(dispatcher.messages)
    question = form.validate_callback_question(value, dispatcher, tracker(), {})["callback_question"]
    assert question is None or (0 < len(question) <= MAX_QUESTION and question == question.strip())
    time = form.validate_callback_time(value, dispatcher, tracker(), {})["callback_time"]
    assert time is None or 0 < len(time) <= MAX_TIME
