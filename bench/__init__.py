"""The benchmark harness behind `make bench` (see bench/orchestrator.py)."""
