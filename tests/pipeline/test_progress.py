"""Progress that moves inside a window, batched budget retries, the bar's text and JSON progress lines."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from rich.console import Console

from summarise import Summariser
from summarise.bulk import BulkProgress, BulkStats, summarise_archive, translate_archive, JsonProgress, progress_bar
from summarise.models.engines import Generated
from summarise.models import ModelSpec
from summarise.pipeline._translating import TranslationSettings, Translator
from tests.support.bulk import article_text, write_jsonl

# --------------------------------------------------------------------------- budget retries


class BudgetHungryEngine:
    """Needs 2 x words + 11 tokens for a piece: one more than the first budget of a piece as long as its batch's longest."""

    device = "cpu"
    max_input_tokens = 512
    max_output_tokens = 1024

    def __init__(self) -> None:
        self.spec = ModelSpec(name="hungry", task="translation", source="hungry", num_beams=1)
        self.calls: list[tuple[list[str], int]] = []

    def count_tokens(self, texts):
        return [len(text.split()) for text in texts]

    def generate(self, texts, request):
        self.calls.append((list(texts), request.max_new_tokens))
        outputs = []
        for text in texts:
            need = 2 * len(text.split()) + 11
            if request.max_new_tokens < need:
                outputs.append(Generated(text="cut", tokens=request.max_new_tokens, hit_limit=True))
            else:
                outputs.append(Generated(text=text.upper(), tokens=need, hit_limit=False))
        return outputs


def test_budget_retries_are_batched_and_length_sorted():
    rng = random.Random(3)
    # 50 texts each of 25, 12 and 5 words; sorted and cut at 64, the longest of each batch hit the budget: 108 of 150.
    texts = [" ".join(f"w{rng.randrange(10**6)}" for _ in range(words)) for words in [25, 12, 5] * 50]
    rng.shuffle(texts)
    engine = BudgetHungryEngine()
    translator = Translator(engine, TranslationSettings(num_beams=1, batch_tokens=4096, max_batch_size=64))
    done: list[int] = []
    results = translator.translate(texts, progress=done.append)
    assert [r.text for r in results] == [t.upper() for t in texts]
    assert not any(r.hit_limit for r in results)
    assert translator.budget_retries == 108
    assert sum(done) == len(texts)
    # One pass of 3 batches, then 2 batches of second tries: not one generate() call per retried piece (3 + 108 before).
    assert len(engine.calls) == 5
    retried = engine.calls[3:]
    assert all(len(batch) > 1 for batch, _ in retried)
    lengths = [len(text.split()) for batch, _ in retried for text in batch]
    assert lengths == sorted(lengths, reverse=True)  # the same length sorting as first tries
    for batch, budget in retried:
        assert budget == min(2 * (2 * max(len(t.split()) for t in batch) + 10), engine.max_output_tokens)


# --------------------------------------------------------------------------- events inside a window


@pytest.fixture(scope="module")
def progress_archive(tmp_path_factory) -> Path:
    rng = random.Random(7)
    root = tmp_path_factory.mktemp("progress")
    return write_jsonl(root / "articles.jsonl", [{"id": f"a{i}", "text": article_text(rng, sentences=5)} for i in range(40)])


@pytest.mark.parametrize("with_summary", [False, True])
def test_progress_moves_before_the_first_article_with_a_window_larger_than_the_archive(forced_registry, progress_archive, with_summary):
    summariser = Summariser(forced_registry, device="cpu", batch_tokens=64)  # several batches in the one window
    seen: list[tuple[str, int, float, dict]] = []

    def hook(stats: BulkStats) -> None:
        seen.append((stats.event, stats.done, stats.articles_estimate, stats.snapshot().to_dict()))

    run = (summarise_archive if with_summary else translate_archive)(
        [progress_archive], summariser=summariser, source_lang="fr", window_sentences=100_000, progress=hook, total=40)
    stats = run.run()
    assert stats.ok == 40
    first_article = next(i for i, (event, *_) in enumerate(seen) if event == "article")
    before = seen[:first_article]
    assert len([e for e in before if e[0] == "sentences"]) >= 3
    assert all(done == 0 for _, done, _, _ in before)
    estimates = [estimate for _, _, estimate, _ in seen]
    assert estimates == sorted(estimates)  # never goes back, not even as the window's records are written
    assert 0 < before[0][2] < before[-1][2] <= 40
    assert estimates[-1] == 40
    if with_summary:
        assert any(e[0] == "summaries" for e in before)
        assert max(e[2] for e in before if e[0] == "sentences") <= 20.0 + 1e-9  # translation is half of a summary run's window
    snapshot = before[-1][3]
    assert snapshot["articles"] > 0 and snapshot["total"] == 40 and snapshot["articles_per_second"] > 0
    assert snapshot["eta_seconds"] is not None


def test_snapshot_is_a_plain_typed_value():
    stats = BulkStats(total=10, ok=2, window_articles=4, window_sentences=40, in_flight=10)
    snap = stats.snapshot()
    assert isinstance(snap, BulkProgress)
    assert snap.articles == 3.0
    assert json.loads(json.dumps(snap.to_dict()))["articles"] == 3.0


# --------------------------------------------------------------------------- the bar and JSON lines


def test_bar_text_through_rich_console_recording():
    console = Console(record=True, force_terminal=True, width=120, file=io.StringIO())
    stats = BulkStats(total=200, ok=10, window_articles=20, window_sentences=100, in_flight=50, budget_retries=7)
    stats.started -= 10.0
    with progress_bar(console, 200) as (hook, _):
        hook(stats)
    text = console.export_text()
    assert "20/200" in text  # 10 done and half of a 20-article window
    assert "2.0 articles/s" in text and "retried" in text and "7 retried" in text


def test_json_progress_lines_are_throttled_and_parse():
    stream = io.StringIO()
    hook = JsonProgress(stream, interval=3600)
    stats = BulkStats(total=5)
    for _ in range(50):
        stats.in_flight += 1
        hook(stats)
    hook.write(stats, "end")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["start", "end"]
    assert set(BulkProgress.__dataclass_fields__) == set(lines[0])


def test_cli_progress_json_lines_and_quiet(forced_registry, progress_archive, tmp_path):
    from tests.support.bulk import invoke

    common = ("bulk", progress_archive, "--models", forced_registry, "-s", "fr", "--no-summary", "--device", "cpu")
    result = invoke(*common, "--out", tmp_path / "a.jsonl", "--progress", "json")
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert lines and lines[-1]["event"] == "end" and lines[-1]["articles"] == 40 and lines[-1]["total"] == 40
    assert result.stderr.splitlines()[-1].startswith("bulk: 40 ok")
    # stderr that is not a terminal: no bar, the end line only
    result = invoke(*common, "--out", tmp_path / "b0.jsonl")
    assert result.exit_code == 0 and result.stderr.startswith("bulk: 40 ok"), result.stderr
    # --quiet wins over --progress json, and means what it means everywhere: errors only, so no end line either
    result = invoke(*common, "--out", tmp_path / "b3.jsonl", "--progress", "json", "--quiet")
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    assert len((tmp_path / "b3.jsonl").read_text(encoding="utf-8").splitlines()) == 40


def test_the_estimate_never_goes_back_with_failed_articles_in_the_window(forced_registry, tmp_path):
    rng = random.Random(11)
    rows = [{"id": f"a{i}", "text": article_text(rng, sentences=3) if i % 4 else ""} for i in range(16)]  # every 4th: empty, an error record
    archive = write_jsonl(tmp_path / "mixed.jsonl", rows)
    estimates: list[float] = []
    stats = summarise_archive([archive], summariser=Summariser(forced_registry, device="cpu", batch_tokens=64), source_lang="fr",
                              window_sentences=100_000, progress=lambda s: estimates.append(s.articles_estimate), total=16).run()
    assert stats.failed == 4 and stats.ok == 12
    assert estimates == sorted(estimates) and estimates[-1] == 16


def test_the_estimate_weights_translation_and_summaries_by_their_measured_cost():
    """A window of 10 articles, 100 sentences: translating took 1 s per 100 sentences, a summary 0.9 s each (issue 23 item 6)."""
    from summarise.bulk import BulkStats

    stats = BulkStats(window_articles=10, window_sentences=100, window_summarise=True, in_flight=100, window_summaries=0, total=10)
    assert stats.window_fraction == 0.5  # nothing measured yet: equal shares
    stats.translate_seconds, stats.translated_sentences = 1.0, 100
    stats.summarise_seconds, stats.summaries_made = 9.0, 10
    assert stats.stage_costs() == (1.0, 9.0)
    assert abs(stats.window_fraction - 0.1) < 1e-9  # translated, no summary yet: a tenth of the work, not half
    stats.window_summaries = 5
    assert abs(stats.window_fraction - 0.55) < 1e-9
    stats.window_summarise = False
    assert stats.window_fraction == 1.0  # translation only: the summaries do not count


def test_a_summary_run_times_both_stages_and_the_estimate_weights_them_so(forced_registry, tmp_path):
    """Through a real run: each window's translation and summaries are timed into the stats, and from the first
    summary on the estimate shares a window between the stages by those timings, not half and half."""
    rng = random.Random(5)
    archive = write_jsonl(tmp_path / "in.jsonl", [{"id": f"a{i}", "text": article_text(rng, sentences=4)} for i in range(8)])
    seen: list[tuple[str, tuple[float, float], float]] = []

    def hook(stats: BulkStats) -> None:
        seen.append((stats.event, stats.stage_costs(), stats.window_fraction))

    stats = summarise_archive([archive], summariser=Summariser(forced_registry, device="cpu", batch_tokens=64), source_lang="fr",
                              window_sentences=16, progress=hook, total=8).run()
    assert stats.ok == 8 and stats.summaries_made == 8
    assert stats.translated_sentences == stats.sentences == 32
    assert stats.translate_seconds > 0 and stats.summarise_seconds > 0
    first_summary = next(i for i, (event, _, _) in enumerate(seen) if event == "summaries")
    assert all(costs == (1.0, 1.0) for _, costs, _ in seen[:first_summary])  # nothing measured yet: equal shares
    measured = [(costs, fraction) for event, costs, fraction in seen[first_summary:] if event == "sentences"]
    assert measured, [event for event, _, _ in seen]  # a later window translated with the costs known
    for costs, _ in measured:
        translate, summaries = costs
        assert costs != (1.0, 1.0) and translate > 0 and summaries > 0
