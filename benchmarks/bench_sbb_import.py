"""Benchmark: import a synthetic SBB export of many dossiers into a fresh database.

SBB's full export holds every dossier in one file of tens of MB. This builds such a file from
the two sample exports in tests/data/sbb (their dossiers repeated under distinct dossier
numbers and crebos), imports it through the service into a throwaway SQLite database and
prints JSON lines:

    {"benchmark": "sbb_import", "dossiers": 200, "seconds": ..., "dossiers_per_second": ...,
     "peak_memory_mb": ..., ...}

``peak_memory_mb`` is the tracemalloc peak of a full dry run on the empty database (the same
work as the real import, rolled back); tracing slows Python down, so ``seconds`` comes from
a separate, untraced run. ``rss_max_mb`` is the process's peak resident size (ru_maxrss).

Run: .venv/bin/python benchmarks/bench_sbb_import.py [--dossiers 200]
"""

import argparse
import json
import os
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [
    ROOT / "tests" / "data" / "sbb" / "2755_Dienstverlening.xml",
    ROOT / "tests" / "data" / "sbb" / "2635_Pedagogisch_Werk.xml",
]


def build_export(path: Path, count: int) -> None:
    """Write an export of ``count`` dossiers, streaming, with distinct numbers per copy."""
    texts = [sample.read_text(encoding="utf-8-sig") for sample in SAMPLES]
    header = texts[0][: texts[0].index("<dossiers>") + len("<dossiers>")]
    blocks = [re.search(r"<dossier .*?</dossier>", text, re.S).group(0) for text in texts]
    crebo = iter(range(700000, 800000))
    with path.open("w", encoding="utf-8") as out:
        out.write(header + "\n")
        for index in range(count):
            block = blocks[index % len(blocks)]
            block = re.sub(r'^<dossier nr="\d+"', f'<dossier nr="{900000 + index}"', block)
            block = re.sub(
                r"(<dossiercrebo [^>]*>)\d+(</dossiercrebo>)",
                rf"\g<1>{60000 + index}\g<2>",
                block,
            )
            block = re.sub(
                r"(<crebo [^>]*>)\d+(</crebo>)",
                lambda m: f"{m.group(1)}{next(crebo)}{m.group(2)}",
                block,
            )
            out.write("    " + block + "\n")
        out.write("  </dossiers>\n</sbb>\n")


def setup_django(var_dir: str) -> None:
    # A throwaway database: settings put the SQLite file in BEKWAAM_VAR_DIR.
    os.environ["BEKWAAM_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("loaddata", "competenties", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-sbb-") as tmp:
        export = Path(tmp) / "sbb_export.xml"
        build_export(export, args.dossiers)
        setup_django(tmp)
        from qualifications.models import Criterion, Dossier
        from qualifications.sbb.importer import import_sbb_xml

        tracemalloc.start()
        dry = import_sbb_xml(source=export, dry_run=True)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert len(dry.dossiers) == args.dossiers and not Dossier.objects.exists()

        started = time.perf_counter()
        report = import_sbb_xml(source=export)
        seconds = time.perf_counter() - started
        assert Dossier.objects.count() == args.dossiers

        started = time.perf_counter()
        again = import_sbb_xml(source=export)
        reimport_seconds = time.perf_counter() - started
        assert all(o.action == "unchanged" for o in again.dossiers)

        rss_max = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        print(
            json.dumps(
                {
                    "benchmark": "sbb_import",
                    "dossiers": len(report.dossiers),
                    "seconds": round(seconds, 3),
                    "dossiers_per_second": round(len(report.dossiers) / seconds, 1),
                    "peak_memory_mb": round(peak / 1024 / 1024, 1),
                    "rss_max_mb": round(rss_max, 1),
                    "file_mb": round(export.stat().st_size / 1024 / 1024, 1),
                    "criteria": Criterion.objects.count(),
                }
            )
        )
        print(
            json.dumps(
                {
                    "benchmark": "sbb_import_unchanged",
                    "dossiers": len(again.dossiers),
                    "seconds": round(reimport_seconds, 3),
                    "dossiers_per_second": round(len(again.dossiers) / reimport_seconds, 1),
                }
            )
        )


if __name__ == "__main__":
    main()
