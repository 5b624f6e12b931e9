"""Install time and venv size: the base install against the full one (`.[all]`), on fresh venvs.

    python benchmarks/bench_install.py [--extras "" --extras all] [--keep DIR]

Each install is `pip install --no-cache-dir <repo>[extras]` into a new venv in a temporary
folder (pip's cache is not used, so every wheel is downloaded again: the time a new user waits on
this machine's connection to PyPI). The size is the venv's on disk (`du`). Needs PyPI, so
`benchmarks/run.py` runs it only with `--install`. The baseline is a venv with nothing installed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from table import Figure  # noqa: E402


@dataclass(frozen=True)
class Install:
    extras: str
    seconds: float
    megabytes: float


def folder_mb(path: Path) -> float:
    out = subprocess.run(["du", "-sk", str(path)], check=True, capture_output=True, text=True).stdout
    return int(out.split()[0]) / 1024


def fresh_venv(where: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    return where / "bin" / "python"


def install(extras: str, scratch: Path) -> Install:
    venv = scratch / f"venv-{extras or 'base'}"
    python = fresh_venv(venv)
    target = f"{ROOT}[{extras}]" if extras else str(ROOT)
    started = time.perf_counter()
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-cache-dir", target], check=True)
    seconds = time.perf_counter() - started
    return Install(extras, seconds, folder_mb(venv))


def figures(extras: tuple[str, ...] = ("", "all"), keep: Path | None = None) -> list[Figure]:
    """Size and time of each install; the baseline is the full install (`.[all]`) when it is
    measured too, else an empty venv (size only)."""
    results: list[Install] = []
    with tempfile.TemporaryDirectory(prefix="humas-install-") as tmp:
        scratch = keep or Path(tmp)
        empty = scratch / "venv-empty"
        fresh_venv(empty)
        empty_mb = folder_mb(empty)
        for extra in extras:
            results.append(install(extra, scratch))
            if keep is None:
                shutil.rmtree(scratch / f"venv-{extra or 'base'}", ignore_errors=True)
    full = next((r for r in results if r.extras == "all"), None)
    out: list[Figure] = []
    for result in results:
        name = f"pip install .[{result.extras}]" if result.extras else "pip install ."
        compare = full if full is not None and result is not full else None
        size_base, size_name = (compare.megabytes, ".[all]") if compare else (empty_mb, "empty venv")
        out.append(Figure(f"{name}: venv size", result.megabytes, "MB", size_base, size_name, lower_is_better=True))
        out.append(
            Figure(
                f"{name}: install time, --no-cache-dir",
                result.seconds,
                "s",
                compare.seconds if compare else None,
                ".[all]" if compare else "",
                lower_is_better=True,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--extras", action="append", default=None, help='"" for the base install; repeatable')
    parser.add_argument("--keep", type=Path, default=None, help="build the venvs here and keep them")
    args = parser.parse_args()
    from table import render

    print(render(figures(tuple(args.extras if args.extras is not None else ["", "all"]), args.keep)))


if __name__ == "__main__":
    main()
