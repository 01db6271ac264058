#!/usr/bin/env python
"""`summarise serve` under concurrent clients: cross-request batching against one request at a time.

    python benchmarks/serve.py                        # 16 clients, opus-mt-fr-en architecture, beam 4
    python benchmarks/serve.py --clients 1,4,16       # several concurrency levels, same run
    python benchmarks/serve.py --tiny --quick         # the test suite's tiny models: a smoke run in ~1 minute
    python benchmarks/serve.py --device cuda --requests 16

Two real server processes (``python -m summarise serve``) are started in turn
on 127.0.0.1, with the same models and settings except the batcher:

  batched     the default: requests arriving within ``--batch-wait-ms`` share
              length-sorted model batches (up to 512 sentences);
  one-by-one  ``--batch-sentences 1``: every request is translated alone, one
              after the other, as a server with one model and a lock would do.

Each of N client threads keeps one HTTP connection and sends LibreTranslate
``POST /translate`` requests back to back (a paragraph of 1-4 sentences each,
the same requests in both modes).  Throughput is sentences translated per
second of wall time over the whole run; latency is each request's round trip
(p50 and p95).  The answers of the two modes are compared: with random weights many
next-token logits are near ties, and the rounding of a differently padded batch can
tip one, so a few answers may differ; trained models rarely have such ties (the
test suite's 16-client test gets identical answers from its trained copy model).

No download: the translator has opus-mt-fr-en's exact architecture with random
weights, made to write exactly its token budget (``benchmarks/bulk.py``'s
``build_models``), so every variant generates the same number of tokens.
``--tiny`` uses the test suite's copy-trained tiny Marian instead (fast, and
not representative of real speed).  Results also go to ``benchmarks/results/serve-*.json``.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import http.client
import json
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# First, even when an editable install already lists ROOT: pySBD installs a top-level
# `benchmarks` package of its own into site-packages, which would shadow this one.
sys.path.insert(0, str(ROOT))

SEED = 20241130
MODES = {"batched": [], "one-by-one": ["--batch-sentences", "1", "--batch-wait-ms", "0"]}


@dataclass
class Result:
    mode: str
    clients: int
    requests: int
    sentences: int
    seconds: float
    sentences_per_second: float
    p50_ms: float
    p95_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def registry_for(args) -> Path:
    root = Path(args.models_dir)
    if args.tiny:
        registry = root / "tiny" / "models.toml"
        if not registry.is_file():
            from tests import tinymodels
            from tests.conftest import write_registry

            tiny = root / "tiny"
            dirs = {"copy": tinymodels.train_copy_marian(tiny / "copy"), "marian": tinymodels.build_random_marian(tiny / "marian"), "bart": tinymodels.build_random_bart(tiny / "bart")}
            write_registry(registry, dirs)
        return registry
    from benchmarks import bulk

    registry = bulk.build_models(root / "forced")
    # Only translation is measured (LibreTranslate's /translate); the small summariser loads at startup all the
    # same, and runs with PyTorch: CTranslate2 cannot load that random BART's config.
    served = registry.with_name("serve-models.toml")
    text = registry.read_text(encoding="utf-8")
    served.write_text(text.replace("[models.small-bart]\n", '[models.small-bart]\nbackend = "transformers"\n'), encoding="utf-8")
    return served


def make_requests(count: int, tiny: bool, seed: int, tokens: int = 0) -> list[str]:
    """``count`` paragraphs of 1-4 sentences, each sentence ``tokens`` long (0: 6-24 tokens, an exponential tail)."""
    rng = random.Random(seed)
    if tiny:
        words = "le la les président guerre aide militaire Ukraine Russie sommet ministre alliés sanctions frappes ville armée paix".split()
        sentence = lambda n, s: " ".join(random.Random(s).choice(words) for _ in range(n)).capitalize() + "."  # noqa: E731
    else:
        from benchmarks import bulk

        sentence = lambda n, s: bulk.sentence_texts([n], s)[0]  # noqa: E731
    paragraphs = []
    for index in range(count):
        lengths = [tokens or min(24, 6 + int(rng.expovariate(1 / 8))) for _ in range(rng.randint(1, 4))]
        paragraphs.append(" ".join(sentence(n, seed + 100 * index + k) for k, n in enumerate(lengths)))
    return paragraphs


class Server:
    def __init__(self, registry: Path, mode: str, args) -> None:
        self.port = free_port()
        command = [
            sys.executable, "-m", "summarise", "serve", "--models", str(registry), "--port", str(self.port), "--device", args.device,
            "--preload", "fr", "--beams", str(args.beams), "--timeout", "600", "--max-pending", "1000000", *MODES[mode],
        ]  # fmt: skip
        if args.threads:
            command += ["--threads", str(args.threads)]
        if args.quantization:
            command += ["--quantization", args.quantization]
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"server exited: {self.process.stderr.read().decode(errors='replace')[-3000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                health = json.loads(response.read())
                if response.status == 200:
                    return
                if health.get("status") == "failed":
                    self.process.terminate()
                    raise SystemExit(f"server failed to load its models: {health.get('error')}")
            except (OSError, ValueError):
                pass
            time.sleep(0.3)
        self.process.terminate()
        raise SystemExit("server did not become ready")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(120)
        self.process.stderr.close()


def translate(connection: http.client.HTTPConnection, text: str) -> tuple[str | None, float]:
    body = json.dumps({"q": text, "source": "fr", "target": "en"})
    started = time.perf_counter()
    connection.request("POST", "/translate", body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    data = json.loads(response.read())
    return (data.get("translatedText") if response.status == 200 else None), time.perf_counter() - started


def drive(port: int, clients: int, paragraphs: list[str], sentences: dict[str, int]) -> tuple[Result, dict[int, str]]:
    """``clients`` threads send the paragraphs (dealt round-robin) back to back; answers by paragraph index."""
    answers: dict[int, str] = {}
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        mine = range(number, len(paragraphs), clients)
        barrier.wait()
        for index in mine:
            text, seconds = translate(connection, paragraphs[index])
            with lock:
                latencies.append(seconds)
                if text is None:
                    errors[0] += 1
                else:
                    answers[index] = text
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    total = sum(sentences[p] for p in paragraphs)
    ordered = sorted(latencies)
    result = Result(
        mode="", clients=clients, requests=len(paragraphs), sentences=total, seconds=round(seconds, 3),
        sentences_per_second=round(total / seconds, 2), p50_ms=round(1000 * statistics.median(ordered), 1),
        p95_ms=round(1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1), errors=errors[0],
    )  # fmt: skip
    return result, answers


def _shared_prefix(a: str, b: str) -> float:
    left, right = a.split(), b.split()
    count = 0
    for x, y in zip(left, right):
        if x != y:
            break
        count += 1
    return count / max(1, max(len(left), len(right)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="16", help="comma-separated concurrency levels (default 16)")
    parser.add_argument("--requests", type=int, default=4, help="requests per client at each level (default 4)")
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--quantization", default=None, help="int8, bf16 or none (default: the registry's)")
    parser.add_argument("--tiny", action="store_true", help="the test suite's tiny models instead of the published architecture")
    parser.add_argument("--quick", action="store_true", help="2 requests per client")
    parser.add_argument("--sentence-tokens", type=int, default=16,
                        help="tokens per sentence (default 16); 0 mixes 6-24. The forced-length model writes each batch's whole "
                             "budget (twice its longest sentence + 10), so mixed lengths make a large mixed batch write more tokens "
                             "per sentence than a small one: equal lengths compare the batching alone")
    parser.add_argument("--models-dir", default=str(Path(tempfile.gettempdir()) / "summarise-bench-serve"))
    parser.add_argument("--out", default=str(HERE / "results"))
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",")]
    per_client = 2 if args.quick else args.requests

    registry = registry_for(args)
    from summarise.text import split_sentences

    plans = {n: make_requests(n * per_client, args.tiny, SEED + n, args.sentence_tokens) for n in levels}
    sentences = {p: len(split_sentences(p, "fr")) for plan in plans.values() for p in plan}
    warmup = make_requests(4, args.tiny, SEED - 1, args.sentence_tokens)
    results: list[Result] = []
    answers: dict[tuple[str, int], dict[int, str]] = {}
    for mode in MODES:
        server = Server(registry, mode, args)
        try:
            drive(server.port, 2, warmup, {p: len(split_sentences(p, "fr")) for p in warmup})
            for n in levels:
                result, got = drive(server.port, n, plans[n], sentences)
                result.mode = mode
                results.append(result)
                answers[(mode, n)] = got
                print(f"{mode:<11} clients={n:<3} {result.sentences_per_second:8.1f} sentences/s  p50 {result.p50_ms:8.1f} ms  p95 {result.p95_ms:8.1f} ms  ({result.sentences} sentences, {result.seconds:.1f} s, {result.errors} errors)", flush=True)
        finally:
            server.stop()

    print()
    summary = {}
    for n in levels:
        batched = next(r for r in results if r.mode == "batched" and r.clients == n)
        alone = next(r for r in results if r.mode == "one-by-one" and r.clients == n)
        ratio = batched.sentences_per_second / alone.sentences_per_second
        one, other = answers[("batched", n)], answers[("one-by-one", n)]
        same = sum(one.get(i) == other.get(i) for i in range(len(plans[n])))
        # Where answers differ, how far they agree: the share of words up to the first difference.
        agree = [_shared_prefix(one[i], other[i]) for i in range(len(plans[n])) if i in one and i in other and one[i] != other[i]]
        summary[n] = {"throughput_ratio": round(ratio, 2), "identical_answers": same, "requests": len(plans[n]),
                      "differing_prefix_share": [round(a, 2) for a in agree]}
        print(f"clients={n}: batched/one-by-one throughput {ratio:.2f}x; p95 {batched.p95_ms:.0f} ms vs {alone.p95_ms:.0f} ms; "
              f"identical answers: {same}/{len(plans[n])}")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    record = {
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "machine": {"platform": platform.platform(), "processor": platform.processor(), "cpus": os.cpu_count(), "device": args.device},
        "models": "tiny test models" if args.tiny else "opus-mt-fr-en architecture, random weights, forced length; small BART",
        "beams": args.beams,
        "requests_per_client": per_client,
        "sentence_tokens": args.sentence_tokens,
        "results": [asdict(r) for r in results],
        "summary": summary,
    }
    (out / f"serve-{stamp}.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out / f'serve-{stamp}.json'}")


if __name__ == "__main__":
    main()
