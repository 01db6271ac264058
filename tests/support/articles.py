"""French test articles written only with words the tiny copy model knows."""

from __future__ import annotations

import random

from tests.tinymodels import VOCAB_WORDS

HEADLINE = "Le secrétaire général de l'Otan condamne la guerre"

PARAGRAPHS = [
    "Le secrétaire général de l'Otan condamne la guerre. Il appelle les dirigeants à la paix. "
    "Selon le président, les sanctions seront plus fortes.",
    "Le ministre de la défense a déclaré mardi que l'aide militaire à l'Ukraine va continuer. "
    "La réunion des pays membres de l'Alliance sera vendredi à Bruxelles.",
    "Dans la capitale, les habitants attendent. « Nous voulons la paix », dit un député. "
    "Le gouvernement annonce un nouveau budget pour la sécurité.",
]


def long_sentence(words: int = 300, seed: int = 7) -> str:
    """One sentence of ``words`` words with commas every few words, as in a run-on news paragraph."""
    rng = random.Random(seed)
    pool = [w for w in VOCAB_WORDS if w.isalpha() and w.islower() and len(w) > 2]
    parts = []
    for index in range(words):
        word = rng.choice(pool)
        parts.append(word + ("," if index % 9 == 8 and index < words - 1 else ""))
    return "Selon " + " ".join(parts) + "."


def article(with_long_sentence: bool = True) -> str:
    paragraphs = [HEADLINE, *PARAGRAPHS]
    if with_long_sentence:
        paragraphs.insert(2, "Le sommet a été long. " + long_sentence() + " La réunion est finie.")
    return "\n\n".join(paragraphs) + "\n"
