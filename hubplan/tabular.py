"""Reading spreadsheets as people really have them: Swedish Excel CSV and XLSX.

Imports (hub use, surveys, kommun context) read every cell as text with
:func:`read_table` and validate it themselves, so that each error can be
reported with its row, column and value. CSV may be UTF-8 (with or without BOM)
or Windows-1252, separated by semicolons, commas or tabs, with decimal commas.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

import pandas as pd

XLSX_MAGIC = b"PK\x03\x04"
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


class TableError(ValueError):
    """The file cannot be read as a table at all (not a row-level error)."""


def normalise_header(name: str) -> str:
    """``"Avstånd km "`` → ``"avstand_km"``: case, diacritics and separators folded."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def parse_decimal(text: str | None) -> Decimal | None:
    """``"1 234,5"`` or ``"1234.5"`` → ``Decimal("1234.5")``; blank → None; else ValueError."""
    if text is None:
        return None
    cleaned = _SPACES.sub("", str(text))
    if cleaned == "":
        return None
    if "," in cleaned:
        cleaned = (
            cleaned.replace(".", "").replace(",", ".")
            if "." in cleaned
            else cleaned.replace(",", ".")
        )
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def _decode_sample(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("Filen är varken UTF-8 eller Windows-1252.")


def sniff_csv(head: bytes) -> tuple[str, str]:
    """(encoding, delimiter) of a CSV file from its first bytes."""
    try:
        head.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sample's end is still UTF-8.
        encoding = "utf-8-sig" if exc.start >= len(head) - 3 else "cp1252"
    # A file of nothing but a byte-order mark or line breaks has no first line.
    lines = _decode_sample(head).splitlines()
    first_line = lines[0] if lines else ""
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        delimiter = ";"
    return encoding, delimiter


def read_table(
    fileobj, *, chunksize: int | None = None, nrows: int | None = None
) -> Iterator[pd.DataFrame]:
    """Yield the file as DataFrames of strings (blank cells as None), ``chunksize`` rows each.

    ``fileobj`` is a binary file (an upload or ``open(path, "rb")``). XLSX is read
    whole (openpyxl cannot stream into pandas); CSV is streamed in chunks so a
    million-row file never sits in memory at once.
    """
    head = fileobj.read(64 * 1024)
    fileobj.seek(0)
    if not head:
        raise TableError("Filen är tom.")
    if head.startswith(XLSX_MAGIC):
        try:
            frame = pd.read_excel(fileobj, dtype=str, nrows=nrows, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds on a broken file
            raise TableError(f"Excelfilen kunde inte läsas: {exc}") from None
        frame = frame.astype(object).where(frame.notna(), None)
        if chunksize:
            for start in range(0, len(frame), chunksize):
                yield frame.iloc[start : start + chunksize]
        else:
            yield frame
        return
    encoding, delimiter = sniff_csv(head)
    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    try:
        reader = pd.read_csv(
            text,
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            chunksize=chunksize,
            nrows=nrows,
            quoting=csv.QUOTE_MINIMAL,
            skipinitialspace=True,
        )
        frames = reader if chunksize else [reader]
        for frame in frames:
            yield frame.replace({"": None})
    except pd.errors.EmptyDataError:
        raise TableError("Filen har inga rader.") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise TableError(f"CSV-filen kunde inte läsas: {exc}") from None
    finally:
        text.detach()
