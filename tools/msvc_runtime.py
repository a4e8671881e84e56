"""Refuse a bundle whose Microsoft C++ runtime DLLs are older than the ones PySide6 ships.

    python tools/msvc_runtime.py BUNDLE_FOLDER [REFERENCE_FOLDER ...]

Qt is built with a recent Visual C++; PySide6's wheel carries the msvcp140*/vcruntime140* DLLs it needs. The bundle
may also hold older copies (Python's own vcruntime140.dll, one PyInstaller picked up elsewhere): whichever the
process loads first is used by every module, and an older msvcp140.dll under a newer Qt crashes (std::mutex, since
Visual C++ 17.10). The file version is read from each DLL's version resource (VS_FIXEDFILEINFO), so this runs on
any system. The reference folders default to the installed PySide6 and shiboken6 packages.
"""

from __future__ import annotations

import re
import struct
import sys
from pathlib import Path

RUNTIME = re.compile(r"^(msvcp140|vcruntime140)(_[0-9a-z_]+)?\.dll$", re.IGNORECASE)
_KEY = "VS_VERSION_INFO".encode("utf-16-le")
_SIGNATURE = struct.pack("<I", 0xFEEF04BD)

Version = tuple[int, int, int, int]


def file_version(path: Path) -> Version | None:
    """The file version (a.b.c.d) in a PE file's version resource; None when it has none."""
    data = path.read_bytes()
    start = 0
    while True:
        at = data.find(_KEY, start)
        if at < 0:
            return None
        fixed = data.find(_SIGNATURE, at, at + 96)  # VS_FIXEDFILEINFO follows the key, 32-bit aligned
        if fixed >= 0:
            ms, ls = struct.unpack_from("<II", data, fixed + 8)  # after dwSignature and dwStrucVersion
            return (ms >> 16, ms & 0xFFFF, ls >> 16, ls & 0xFFFF)
        start = at + len(_KEY)


def runtime_dlls(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.dll") if RUNTIME.match(p.name))


def shown(version: Version | None) -> str:
    return ".".join(map(str, version)) if version else "no version"


def reference_versions(folders: list[Path]) -> dict[str, tuple[Version, Path]]:
    """The newest copy of each runtime DLL in `folders` (PySide6's own), by lower-case file name."""
    newest: dict[str, tuple[Version, Path]] = {}
    for folder in folders:
        for dll in runtime_dlls(folder):
            version = file_version(dll)
            if version is not None and (dll.name.lower() not in newest or version > newest[dll.name.lower()][0]):
                newest[dll.name.lower()] = (version, dll)
    return newest


def check(bundle: Path, references: list[Path]) -> tuple[list[str], list[str]]:
    """(problems, inventory): each bundled copy older than the reference's (or unreadable), and a line per copy."""
    wanted = reference_versions(references)
    problems, inventory = [], []
    for dll in runtime_dlls(bundle):
        version = file_version(dll)
        where = dll.relative_to(bundle).as_posix()
        inventory.append(f"{where} {shown(version)}")
        ref = wanted.get(dll.name.lower())
        if ref is None:
            continue
        if version is None:
            problems.append(f"{where} has no version resource (PySide6's is {shown(ref[0])})")
        elif version < ref[0]:
            problems.append(f"{where} {shown(version)} is older than PySide6's {shown(ref[0])} ({ref[1]}): "
                            "Qt would crash with it")
    return problems, inventory


def pyside_folders() -> list[Path]:
    """The installed PySide6 and shiboken6 package folders (where their wheels put the runtime DLLs)."""
    import importlib.util

    folders = []
    for name in ("PySide6", "shiboken6"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            folders += [Path(p) for p in spec.submodule_search_locations]
    return folders


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    bundle = Path(args[0])
    references = [Path(a) for a in args[1:]] or pyside_folders()
    problems, inventory = check(bundle, references)
    for line in inventory:
        print(line)
    for problem in problems:
        print(f"FAILED {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
