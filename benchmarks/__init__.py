"""Benchmarks of the summarise project (a regular package: pysbd installs a top-level `benchmarks` package that would shadow a namespace one)."""
