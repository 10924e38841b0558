"""Build the Thunderbird add-on from the repository's sources: no dependencies, no compiling.

The add-on is ``clients/thunderbird`` with ``clients/shared`` copied in as ``shared/`` (the
modules the Outlook add-in will share); unit tests stay out. ``--unpacked DIR`` writes that
tree (what tests install as a temporary add-on), ``--xpi FILE`` the zip Thunderbird installs.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import zipfile
from pathlib import Path

CLIENTS = Path(__file__).resolve().parent
LEFT_OUT = shutil.ignore_patterns("test", "*.test.js", ".*")


def stage(target: Path) -> Path:
    """Write the add-on's files into ``target`` (emptied first); returns ``target``."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(CLIENTS / "thunderbird", target, ignore=LEFT_OUT)
    shutil.copytree(CLIENTS / "shared", target / "shared", ignore=LEFT_OUT)
    return target


def pack(unpacked: Path, xpi: Path) -> Path:
    """Zip ``unpacked`` with manifest.json at the root, files in a stable order."""
    xpi.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(xpi, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in unpacked.rglob("*") if p.is_file()):
            archive.write(path, path.relative_to(unpacked).as_posix())
    return xpi


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unpacked", type=Path, help="directory to write the add-on's files to")
    parser.add_argument("--xpi", type=Path, help="the .xpi file to write")
    args = parser.parse_args()
    if not args.unpacked and not args.xpi:
        parser.error("give --unpacked DIR, --xpi FILE, or both")
    if args.unpacked:
        stage(args.unpacked)
    if args.xpi:
        with tempfile.TemporaryDirectory() as scratch:
            pack(args.unpacked or stage(Path(scratch) / "addon"), args.xpi)
        print(f"wrote {args.xpi}")


if __name__ == "__main__":
    main()
