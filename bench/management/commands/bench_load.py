"""Load the benchmark's base data unless present, then prepare this run."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from bench import dataset, prepare


class Command(BaseCommand):
    help = (
        "Load the benchmark dataset (100k products, long ledgers) once, then reset "
        "carts and orders and write this run's carts and tokens to --out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--run-id", required=True)
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args, run_id: str, out: Path, **options) -> None:
        started = time.monotonic()
        if dataset.dataset_loaded():
            self.stdout.write("bench: dataset already loaded, reusing it")
        else:
            self.stdout.write("bench: loading the dataset (once; kept in var/bench)")
            dataset.dataset_load()
            self.stdout.write(f"bench: loaded in {time.monotonic() - started:.0f}s")

        started = time.monotonic()
        prepare.run_prepare(run_id=run_id, out_dir=out, sizes=prepare.Sizes())
        self.stdout.write(f"bench: run prepared in {time.monotonic() - started:.0f}s")
