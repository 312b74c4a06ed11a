"""Peak memory and time of the worst files an import can be given (issue 13): bombs, huge headers, files at the limits.

Each case is written to a temporary folder, then imported (``infra.io.import_file``, as ``telecom-tracker
validate`` does) in a fresh process; the figures are the import's wall time, the process's peak resident
memory (``ru_maxrss``) and its memory before the import, the import's own memory (peak less before) over
the bytes the file unpacks to, and the exit code the CLI would give (2 = refused, 0/1 = read).
Run: ``python bench/hostile.py`` (``--quick`` for files a tenth of the size).
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infra.io import limits  # noqa: E402


def _rows(n: int, *, wide: int = 0) -> bytes:
    extra = "".join(f",c{i}" for i in range(wide))
    head = f"site_id,name,owner,mast_class,height_m,built_on,removed_on,lat,lon{extra}\n"
    pad = ",x" * wide
    body = "".join(f"S{i},Tháp {i},Viettel,A2b,40,2015-03-01,,{21.0 + (i % 997) * 1e-4:.4f},"
                   f"{105.8 + (i % 991) * 1e-4:.4f}{pad}\n" for i in range(n))
    return (head + body).encode()


def _ocid(n: int) -> bytes:
    head = "radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal\n"
    body = "".join(f"LTE,452,04,1,{i},0,{105.7 + (i % 3001) * 1e-4:.5f},{20.9 + (i % 2999) * 1e-4:.5f},800,5,1,"
                   f"1546300800,1700000000,0\n" for i in range(n))
    return (head + body).encode()


def _grid_geojson(path: Path, n: int) -> None:
    """A population grid of ``n`` 100 m squares as GeoJSON, written feature by feature."""
    with open(path, "w") as f:
        f.write('{"type":"FeatureCollection","features":[')
        for i in range(n):
            x, y = 105.3 + (i % 700) * 0.001, 20.6 + (i // 700) * 0.001
            corners = [(x, y), (x + .001, y), (x + .001, y + .001), (x, y + .001), (x, y)]
            ring = "[" + ",".join(f"[{a:.4f},{b:.4f}]" for a, b in corners) + "]"
            f.write(("," if i else "") + f'{{"type":"Feature","properties":{{"population":{i % 300}}},'
                    f'"geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}')
        f.write("]}")


def _stream_zip(path: Path, member: str, size: int, chunk: bytes, extra: dict[str, bytes] | None = None) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (extra or {}).items():
            z.writestr(name, data)
        with z.open(member, "w", force_zip64=True) as f:
            for _ in range(size // len(chunk)):
                f.write(chunk)


def _gzip(path: Path, size: int) -> None:
    row = b"LTE,452,04,1,1,0,105.85,21.03,800,5,1,1546300800,1700000000,0\n" * 16384
    with gzip.open(path, "wb", compresslevel=9) as g:
        g.write(b"radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal\n")
        for _ in range(size // len(row)):
            g.write(row)


def _xlsx(path: Path, n: int) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("sites")
    ws.append(["site_id", "name", "owner", "mast_class", "height_m", "built_on", "lat", "lon"])
    for i in range(n):
        ws.append([f"S{i}", f"Tháp {i}", "Viettel", "A2b", 40, "2015-03-01", 21.0 + (i % 997) * 1e-4,
                   105.8 + (i % 991) * 1e-4])
    wb.save(path)


def cases(tmp: Path, quick: bool) -> list[tuple[str, Path, str]]:
    """(label, file, kind) of every worst case, written into ``tmp``."""
    scale = 10 if quick else 1
    big = 1_500_000_000 // scale
    out = []

    def add(label: str, name: str, kind: str, data: bytes | None = None) -> Path:
        path = tmp / name
        if data is not None:
            path.write_bytes(data)
        out.append((label, path, kind))
        return path

    for size in (256 * 1024, 16 * 2**20 // scale, 100 * 2**20 // scale):
        add(f"CSV header of repeated names, {size / 2**20:.2f} MB", f"header{size}.csv", "sites",
            ("id," * (size // 3) + "\n1\n").encode())
    _gzip(add(f"gzip bomb, {big / 1e9:.2f} GB unpacked", "bomb.csv.gz", "opencellid"), big)
    _stream_zip(add(f"zip bomb (population), {big / 1e9:.2f} GB unpacked", "bomb.zip", "population"),
                "grid.geojson", big, b" " * 2**20)
    _stream_zip(add(f"xlsx bomb, {big / 1e9:.2f} GB unpacked", "bomb.xlsx", "sites"), "xl/worksheets/sheet1.xml",
                big, b"<row><c><v>1</v></c></row>" * 40000,
                extra={"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    rows = limits.MAX_ROWS // scale
    add(f"sites CSV at the row limit ({rows:,} rows)", "sites.csv", "sites", _rows(rows))
    add(f"sites CSV, {rows // 4:,} rows x 40 columns", "wide.csv", "sites", _rows(rows // 4, wide=31))
    ocid = tmp / "cells.csv.gz"
    ocid.write_bytes(gzip.compress(_ocid(rows)))
    out.append((f"OpenCelliD .csv.gz at the row limit ({rows:,} cells)", ocid, "opencellid"))
    _xlsx(add(f"sites workbook, {100_000 // scale:,} rows", "sites.xlsx", "sites"), 100_000 // scale)
    _grid_geojson(add(f"population GeoJSON, {600_000 // scale:,} squares", "grid.geojson", "population"),
                  600_000 // scale)
    return out


def unpacked(path: Path) -> int:
    """Bytes ``path`` unpacks to: its size, or the sum of a zip's members, or a gzip's content (streamed)."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head[:2] == b"\x1f\x8b":
        n = 0
        with gzip.open(path) as g:
            while chunk := g.read(1 << 24):
                n += len(chunk)
        return n
    if head == b"PK\x03\x04":
        with zipfile.ZipFile(path) as z:
            return sum(i.file_size for i in z.infolist())
    return path.stat().st_size


def run(path: Path, kind: str) -> tuple[float, float, float, int]:
    """Time (s) of one import, peak memory (MB) of its process, memory before it (MB) and its exit code.

    Runs in the calling process: call it in a fresh one (:func:`_isolated`) so the peak is this import's.
    """
    from infra.io import UnreadableFile, import_file

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    try:
        _, rep = import_file(path, kind)
        code = 0 if rep.ok else 1
    except UnreadableFile:
        code = 2
    wall = time.perf_counter() - start
    return wall, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, before, code


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="files a tenth of the size")
    args = ap.parse_args()
    print(f"limits: unpacked {limits.MAX_UNPACKED_BYTES / 2**20:.0f} MB, rows {limits.MAX_ROWS:,}, columns "
          f"{limits.MAX_COLUMNS}, header {limits.MAX_HEADER_BYTES / 1024:.0f} KB, {limits.MAX_SECONDS:.0f} s")
    print(f"{'case':58} {'file MB':>8} {'unpacked':>8} {'exit':>4} {'time s':>7} {'peak MB':>8} {'(before)':>8} "
          f"{'import/unpacked':>15}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, path, kind in cases(Path(tmp), args.quick):
            # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: one fresh interpreter per case
            wall, peak, before, code = _isolated(path, kind)
            size = unpacked(path) / 2**20
            print(f"{label:58} {path.stat().st_size / 2**20:8.1f} {size:8.1f} {code:4d} {wall:7.2f} {peak:8.0f} "
                  f"{before:8.0f} {(peak - before) / size:14.1f}x", flush=True)


def _isolated(path: Path, kind: str) -> tuple[float, float, float, int]:
    """:func:`run` in a process of its own, so each case's peak is its own."""
    code = (f"import sys, json; sys.path.insert(0, {str(ROOT)!r}); from bench.hostile import run; "
            f"print(json.dumps(run(__import__('pathlib').Path({str(path)!r}), {kind!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return tuple(json.loads(out.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
