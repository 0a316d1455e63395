"""Benchmarks: a generator of realistic practices and the measuring harness (`bench/run`)."""
