"""The perturbed held-out copy is generated, deterministic, and perturbed as documented."""
import re
from pathlib import Path

from nlu_eval.perturb import perturb, perturbed_examples, write_nlu_file

HOLDOUT = Path(__file__).resolve().parents[2] / "tests" / "nlu_holdout.yml"


def test_the_same_file_is_generated_every_time(tmp_path):
    first, second = tmp_path / "1.yml", tmp_path / "2.yml"
    write_nlu_file(perturbed_examples(HOLDOUT), first)
    write_nlu_file(perturbed_examples(HOLDOUT), second)
    assert first.read_bytes() == second.read_bytes()


def test_danish_letters_case_and_punctuation_go():
    assert perturb("Hvad får en LEDER i løn, f.eks. i år?") == perturb("hvad faar en leder i loen feks i aar")
    for text, _ in perturbed_examples(HOLDOUT):
        assert text == text.lower()
        assert not re.search(r"[æøå]|[^\w\s]", text), text


def test_exactly_one_pair_of_adjacent_letters_is_swapped():
    clean = "hvad tjener en leder om maaneden"
    noisy = perturb("Hvad tjener en leder om måneden?")
    differences = [i for i, (a, b) in enumerate(zip(clean, noisy)) if a != b]
    assert len(noisy) == len(clean)
    assert len(differences) == 2 and differences[1] == differences[0] + 1
    i = differences[0]
    assert noisy[i:i + 2] == clean[i + 1] + clean[i]


def test_the_swap_depends_on_the_seed_not_on_chance():
    messages = ["hvordan bliver man leder", "hvad laver en leder til daglig", "kan jeg tale med en vejleder"]
    assert [perturb(m, seed=1) for m in messages] == [perturb(m, seed=1) for m in messages]
    assert [perturb(m, seed=1) for m in messages] != [perturb(m, seed=2) for m in messages]
