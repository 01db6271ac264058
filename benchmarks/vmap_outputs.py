#!/usr/bin/env python
"""Does a vocabulary map keep the outputs?  The copy model and the first-sentence summariser of the tests, with and without.

    python benchmarks/vmap_outputs.py --work /tmp/vmap     # trains both tiny models first: minutes on 2 cores

Each model is converted to CTranslate2 int8, then copied with a ``vmap.txt`` (``speed_levers.write_vmap``:
every token maps to itself, plus the ``frequent`` first vocabulary entries always allowed), and 300
generated inputs (200 runs of words, 100 of three short sentences) are decoded by both, greedy and at
beam 4.  The count of identical outputs is printed.  A vocabulary map restricts the candidates *and*
renormalises each step's log-probabilities over them, so a beam can rank differently even when every
token it would write is allowed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.speed_levers import write_vmap  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", required=True, help="where the tiny models are trained and converted")
    args = parser.parse_args()
    import ctranslate2

    from summarise.models.engines import _ctranslate2 as ct2
    from tests import factmodels, tinymodels

    work = Path(args.work)
    copy_hf, first_hf = work / "copy-hf", work / "first-hf"
    if not copy_hf.exists():
        tinymodels.train_copy_marian(copy_hf)
    if not first_hf.exists():
        factmodels.train_first_sentence_marian(first_hf, copy_hf)
    rng = random.Random(0)
    words = [w for w in tinymodels._cached_tokenizer().get_vocab() if w.isalpha()]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(3, 25))) for _ in range(200)]
    texts += [". ".join(" ".join(rng.choice(words) for _ in range(rng.randint(3, 8))) for _ in range(3)) + " ." for _ in range(100)]
    for name, source in (("copy", copy_hf), ("first-sentence", first_hf)):
        folder = work / name
        if not folder.exists():
            ct2.convert(str(source), quantization="int8", output=folder)
        tokenizer = ct2.folder_tokenizer(folder)
        vocabulary = json.loads((folder / "shared_vocabulary.json").read_text(encoding="utf-8"))
        tokens = tokenizer.source_tokens(tokenizer.encode(texts))
        plain = ctranslate2.Translator(str(folder), device="cpu", compute_type="int8", intra_threads=1)
        for frequent in (0, 50):
            mapped_folder = work / f"{name}-vmap{frequent}"
            shutil.rmtree(mapped_folder, ignore_errors=True)
            shutil.copytree(folder, mapped_folder)
            write_vmap(mapped_folder, vocabulary, frequent)
            mapped = ctranslate2.Translator(str(mapped_folder), device="cpu", compute_type="int8", intra_threads=1)
            for beams in (1, 4):
                options = dict(beam_size=beams, max_decoding_length=64, max_input_length=0)
                a, b = plain.translate_batch(tokens, **options), mapped.translate_batch(tokens, use_vmap=True, **options)
                same = sum(x.hypotheses[0] == y.hypotheses[0] for x, y in zip(a, b))
                print(f"{name}: vmap with {frequent} frequent tokens, beam {beams}: {same} of {len(texts)} outputs identical", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
