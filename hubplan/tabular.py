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
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from hubplan.numbers import NotANumber, parse_number

XLSX_MAGIC = b"PK\x03\x04"
# A float as str() writes it with an exponent: how a reader renders 0.00001 or 1e20.
_EXPONENT = re.compile(r"[-+]?\d+(?:\.\d+)?[eE][-+]?\d+", re.ASCII)


class TableError(ValueError):
    """The file cannot be read as a table at all (not a row-level error)."""


def normalise_header(name: str) -> str:
    """``"Avstånd km "`` → ``"avstand_km"``: case, diacritics and separators folded."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def parse_decimal(text: str | None) -> Decimal | None:
    """A number cell of an imported file, by the forms' rule (:func:`hubplan.numbers.parse_number`).

    ``"1 234,5"``, ``"1234.5"`` → ``Decimal("1234.5")``; blank → None. Anything the forms
    would refuse as ambiguous ("1,200.5", "1.234,5", "12 34") raises ValueError rather than
    being guessed: the old rule read "1,200.5" as 1.2005. The one addition is the exponent
    form a spreadsheet reader writes for a very small or large number cell ("1e-05").
    """
    if text is None:
        return None
    stripped = str(text).strip(" \t\r\n\u00a0\u202f")
    if stripped == "":
        return None
    if _EXPONENT.fullmatch(stripped):
        value = Decimal(stripped)
        if not value.is_finite():  # pragma: no cover - the pattern lets only digits through
            raise ValueError(text)
        return value
    try:
        return parse_number(stripped)
    except NotANumber:
        raise ValueError(text) from None


def _decode_sample(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("Filen är varken UTF-8 eller Windows-1252.")


# How far down a title block may reach: Netigate and Esmaker write one or two title rows,
# PxWeb "med rubrik" a title, a blank line and sometimes a unit line.
HEADER_SCAN_ROWS = 30


def _filled(row) -> int:
    return sum(1 for v in row if v is not None and str(v).strip() != "")


def find_header_row(rows: list[list]) -> int:
    """Index of the header among a file's first rows.

    Survey tools write title rows above the header ("Enkät om pendling 2024",
    "Exporterad 2024-05-02", a blank line). A title row fills one cell; the header
    fills every column. The header is the first row with at least two filled cells
    and at least half as many as the fullest row of the sample; 0 when none is
    (a one-column file).
    """
    counts = [_filled(row) for row in rows[:HEADER_SCAN_ROWS]]
    widest = max(counts, default=0)
    for index, n in enumerate(counts):
        if n >= 2 and 2 * n >= widest:
            return index
    return 0


def used_width(header: list) -> int:
    """Columns up to the last one with a header: empty trailing columns (Excel's and
    Forms' ";;;" at the end of each line) are ignored."""
    width = len(header)
    while width and (header[width - 1] is None or str(header[width - 1]).strip() == ""):
        width -= 1
    return width


def _mangle(headers: list[str]) -> list[str]:
    """Blank and repeated headers named as pandas names them ("Unnamed: 3", "a.1")."""
    out, seen = [], {}
    for index, header in enumerate(headers):
        name = header if header else f"Unnamed: {index}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


@dataclass(frozen=True)
class CsvLayout:
    """Where a CSV file's table starts: encoding, delimiter, the lines above the header,
    the header's spreadsheet row (1 without title rows) and the used width."""

    encoding: str
    delimiter: str
    skip_lines: int = 0
    header_row: int = 1
    width: int = 0
    raw_width: int = 0

    @property
    def plain(self) -> bool:
        """Header on the first line and no empty trailing columns: COPY reads it as is."""
        return self.skip_lines == 0 and self.width == self.raw_width


def _sample_records(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The first records of the sample and the number of lines before each."""
    lines = text.splitlines(keepends=True)
    if len(lines) > 1 and not lines[-1].endswith(("\n", "\r")):
        lines = lines[:-1]  # cut by the sample's end
    reader = csv.reader(lines[: HEADER_SCAN_ROWS * 2], delimiter=delimiter)
    records, starts = [], []
    try:
        while len(records) < HEADER_SCAN_ROWS:
            starts.append(reader.line_num)
            records.append(next(reader))
    except (StopIteration, csv.Error):
        starts = starts[: len(records)]
    return records, starts


def csv_layout(head: bytes) -> CsvLayout:
    """The layout of a CSV file from its first bytes (see :class:`CsvLayout`).

    The delimiter is the one counted most on the first line, as before; when that
    line is a title (the header lies further down) it is counted on the header line.
    """
    try:
        head.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sample's end is still UTF-8.
        encoding = "utf-8-sig" if exc.start >= len(head) - 3 else "cp1252"
    text = _decode_sample(head)
    # A file of nothing but a byte-order mark or line breaks has no first line.
    lines = text.splitlines()
    first_line = lines[0] if lines else ""

    def most_counted(line: str) -> str:
        counts = {d: line.count(d) for d in (";", ",", "\t")}
        delimiter = max(counts, key=counts.get)
        return delimiter if counts[delimiter] else ";"

    first_choice = most_counted(first_line)

    def consistency(delimiter: str):
        """How many records below the header have the header's field count: Excel
        writes every line of the table with the same number of fields, so the true
        delimiter scores highest, whatever a title line or a comment holds."""
        records, starts = _sample_records(text, delimiter)
        index = find_header_row(records)
        if not records or _filled(records[index]) < 2:
            return 0, records, starts, index
        width = len(records[index])
        return sum(len(r) == width for r in records[index + 1 :]), records, starts, index

    delimiter = first_choice
    score, records, starts, index = consistency(first_choice)
    for candidate in (";", ",", "\t"):
        if candidate != first_choice:
            result = consistency(candidate)
            if result[0] > score:  # ties keep the first line's delimiter
                delimiter = candidate
                score, records, starts, index = result
    if not records:
        return CsvLayout(encoding, delimiter)
    header = records[index]
    return CsvLayout(
        encoding,
        delimiter,
        skip_lines=starts[index],
        header_row=index + 1,
        width=used_width(header),
        raw_width=len(header),
    )


def sniff_csv(head: bytes) -> tuple[str, str]:
    """(encoding, delimiter) of a CSV file from its first bytes."""
    layout = csv_layout(head)
    return layout.encoding, layout.delimiter


def _read_xlsx(fileobj, nrows: int | None) -> pd.DataFrame:
    """The first sheet as strings, from its header row down, empty trailing columns and
    rows dropped. Read with calamine (Rust): a 300 000-row sheet in seconds, where
    openpyxl took minutes."""
    try:
        grid = pd.read_excel(
            fileobj,
            dtype=str,
            header=None,
            nrows=None if nrows is None else nrows + HEADER_SCAN_ROWS + 1,
            engine="calamine",
        )
    except Exception as exc:  # calamine raises many kinds on a broken file
        raise TableError(f"Excelfilen kunde inte läsas: {exc}") from None
    grid = grid.astype(object).where(grid.notna(), None)
    values = grid.head(HEADER_SCAN_ROWS).values.tolist()
    index = find_header_row(values) if values else 0
    header = [None if v is None else str(v).strip() for v in (values[index] if values else [])]
    width = used_width(header)
    if width == 0:
        raise TableError("Filen har inga rader.")
    frame = grid.iloc[index + 1 :, :width]
    # Excel keeps formatted but empty rows at the end of the used range.
    filled = frame.notna().any(axis=1).to_numpy()
    last = len(filled) - int(filled[::-1].argmax()) if filled.any() else 0
    frame = frame.iloc[:last]
    if nrows is not None:
        frame = frame.iloc[:nrows]
    frame.columns = _mangle([h or "" for h in header[:width]])
    frame = frame.reset_index(drop=True)
    frame.attrs["header_row"] = index + 1
    return frame


def read_table(
    fileobj, *, chunksize: int | None = None, nrows: int | None = None
) -> Iterator[pd.DataFrame]:
    """Yield the file as DataFrames of strings (blank cells as None), ``chunksize`` rows each.

    ``fileobj`` is a binary file (an upload or ``open(path, "rb")``). The header
    row is found below any title rows (:func:`find_header_row`) and empty trailing
    columns are left out; each frame's ``attrs["header_row"]`` is the header's
    spreadsheet row (1 without title rows), so errors name the rows as Excel shows
    them. XLSX is read whole with calamine; CSV is streamed in chunks so a
    million-row file never sits in memory at once.
    """
    head = fileobj.read(64 * 1024)
    fileobj.seek(0)
    if not head:
        raise TableError("Filen är tom.")
    if head.startswith(XLSX_MAGIC):
        frame = _read_xlsx(fileobj, nrows)
        if chunksize:
            for start in range(0, len(frame), chunksize):
                chunk = frame.iloc[start : start + chunksize]
                chunk.attrs["header_row"] = frame.attrs["header_row"]
                yield chunk
        else:
            yield frame
        return
    layout = csv_layout(head)
    text = io.TextIOWrapper(fileobj, encoding=layout.encoding, newline="")
    try:
        for _line in range(layout.skip_lines):
            text.readline()
        reader = pd.read_csv(
            text,
            sep=layout.delimiter,
            dtype=str,
            keep_default_na=False,
            chunksize=chunksize,
            nrows=nrows,
            quoting=csv.QUOTE_MINIMAL,
            skipinitialspace=True,
            usecols=None if layout.plain or not layout.width else range(layout.width),
        )
        frames = reader if chunksize else [reader]
        for frame in frames:
            frame = frame.replace({"": None})
            frame.attrs["header_row"] = layout.header_row
            yield frame
    except pd.errors.EmptyDataError:
        raise TableError("Filen har inga rader.") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise TableError(f"CSV-filen kunde inte läsas: {exc}") from None
    finally:
        text.detach()
