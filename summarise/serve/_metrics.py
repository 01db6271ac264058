"""Request, sentence and latency counters, served at /metrics in Prometheus' text format."""

from __future__ import annotations

import threading
from collections import defaultdict

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, int], int] = defaultdict(int)  # (endpoint, status) -> count
        self.sentences: dict[str, int] = defaultdict(int)  # endpoint -> sentences translated
        self.latency_sum: dict[str, float] = defaultdict(float)
        self.latency_count: dict[str, int] = defaultdict(int)
        self.latency_buckets: dict[str, list[int]] = defaultdict(lambda: [0] * len(LATENCY_BUCKETS))
        self.in_flight = 0

    def observe(self, endpoint: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(endpoint, status)] += 1
            self.latency_sum[endpoint] += seconds
            self.latency_count[endpoint] += 1
            buckets = self.latency_buckets[endpoint]
            for index, bound in enumerate(LATENCY_BUCKETS):
                if seconds <= bound:
                    buckets[index] += 1

    def count_sentences(self, endpoint: str, count: int) -> None:
        with self._lock:
            self.sentences[endpoint] += count

    def render(self, *, batch: dict, pending: int, ready: bool) -> str:
        lines = [
            "# HELP summarise_requests_total Requests answered, by endpoint and status.",
            "# TYPE summarise_requests_total counter",
        ]
        with self._lock:
            for (endpoint, status), count in sorted(self.requests.items()):
                lines.append(f'summarise_requests_total{{endpoint="{endpoint}",status="{status}"}} {count}')
            lines += ["# HELP summarise_sentences_total Sentences translated, by endpoint.", "# TYPE summarise_sentences_total counter"]
            for endpoint, count in sorted(self.sentences.items()):
                lines.append(f'summarise_sentences_total{{endpoint="{endpoint}"}} {count}')
            lines += ["# HELP summarise_request_seconds Request latency.", "# TYPE summarise_request_seconds histogram"]
            for endpoint in sorted(self.latency_count):
                for bound, count in zip(LATENCY_BUCKETS, self.latency_buckets[endpoint]):
                    lines.append(f'summarise_request_seconds_bucket{{endpoint="{endpoint}",le="{bound}"}} {count}')
                lines.append(f'summarise_request_seconds_bucket{{endpoint="{endpoint}",le="+Inf"}} {self.latency_count[endpoint]}')
                lines.append(f'summarise_request_seconds_sum{{endpoint="{endpoint}"}} {self.latency_sum[endpoint]:.6f}')
                lines.append(f'summarise_request_seconds_count{{endpoint="{endpoint}"}} {self.latency_count[endpoint]}')
            in_flight = self.in_flight
        lines += [
            "# TYPE summarise_in_flight_requests gauge",
            f"summarise_in_flight_requests {in_flight}",
            "# TYPE summarise_pending_sentences gauge",
            f"summarise_pending_sentences {pending}",
            "# TYPE summarise_ready gauge",
            f"summarise_ready {int(ready)}",
            "# TYPE summarise_batches_total counter",
            f"summarise_batches_total {batch['calls']}",
            "# TYPE summarise_batched_requests_total counter",
            f"summarise_batched_requests_total {batch['jobs']}",
            "# TYPE summarise_batched_sentences_total counter",
            f"summarise_batched_sentences_total {batch['sentences']}",
            "# TYPE summarise_batch_largest_requests gauge",
            f"summarise_batch_largest_requests {batch['largest_call']}",
            "# TYPE summarise_dropped_requests_total counter",
            f"summarise_dropped_requests_total {batch['dropped']}",
        ]
        return "\n".join(lines) + "\n"
