"""The code type-checks under mypy with the Django and DRF plugins.

pyproject.toml's [tool.mypy] names the packages and the plugins; the Django
plugin imports the settings, so this runs with the suite's environment.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
