"""Tables in and out: CSV/TSV and Parquet articles in, Parquet records out.

Input tables name their text and id columns (``--text-field``/``--id-field``).
:func:`check_columns` reads only a table's header (CSV) or schema (Parquet), so
a missing column is one clear error before any work starts.  Rows are then
streamed: CSV line by line through the decompressor its suffix names, Parquet
row group by row group.

:func:`write_parquet` turns a JSONL record file into a Parquet file, one row
per article, streamed in batches into a temporary file that replaces the
target only when complete: the Parquet file is never half-written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError, OutputError
from ._archives import RawArticle, ReadContext, damage_record, open_stream, require_archives
from ._kinds import split_compression
from ._reading import MAX_INPUT_BYTES
from ._streams import damage_of, skip_rest_of_line

DEFAULT_ID_FIELD = "id"  # a table without this column is numbered by row; any other missing id column is an error
PARQUET_BATCH = 1024  # records per Parquet row group written
PARQUET_READ_BUFFER = 1 << 20  # bytes read at a time from a Parquet column chunk (0 would read a chunk whole)


# --------------------------------------------------------------------------- columns


def table_delimiter(path: Path) -> str:
    inner, _compression = split_compression(path.name)
    return "\t" if inner.lower().endswith(".tsv") else ","


class TableDamaged(InputError):
    """A table that cannot be read at all (a Parquet footer cut off, a CSV that cannot be decompressed).

    Before a run it does not stop the run, as a missing column does: its reader turns it into
    the input's one error record, and the other inputs are read.
    """


def columns_of(path: Path) -> list[str]:
    """The column names of a CSV/TSV (its header row) or a Parquet file (its schema), read without the rows."""
    if path.name.lower().endswith(".parquet"):
        parquet = require_archives("pyarrow.parquet", "Parquet files")
        arrow = require_archives("pyarrow", "Parquet files")
        try:
            return list(parquet.ParquetFile(path).schema_arrow.names)
        except (OSError, arrow.ArrowException) as exc:  # ArrowInvalid: "Parquet magic bytes not found in footer"
            raise TableDamaged(f"{path} cannot be read as Parquet ({exc}): check the file") from None
    try:
        with _csv_text(path) as text:
            header = next(csv.reader(_CappedRows(text, MAX_INPUT_BYTES), delimiter=table_delimiter(path)), None)
    except (OSError, EOFError, UnicodeError, csv.Error) as exc:
        raise TableDamaged(f"{path} cannot be read as a table ({exc}): check the file") from None
    except _RowTooLong as exc:
        raise InputError(f"{path} cannot be read as a table: its header row is {exc.size} characters, over the "
                         f"{MAX_INPUT_BYTES} limit: check the file") from None
    if not header:
        raise InputError(f"{path} has no header row: the first line must name the columns")
    return [name.strip() for name in header]


def row_count(path: Path) -> int:
    """A Parquet file's row count, from its footer."""
    parquet = require_archives("pyarrow.parquet", "Parquet files")
    arrow = require_archives("pyarrow", "Parquet files")
    try:
        return parquet.ParquetFile(path).metadata.num_rows
    except (OSError, arrow.ArrowException) as exc:
        raise TableDamaged(f"{path} cannot be read as Parquet ({exc}): check the file") from None


def check_columns(path: Path, text_field: str, id_field: str) -> None:
    """Raise :class:`InputError` naming the missing column and the columns there are."""
    columns = columns_of(path)
    missing = [name for name in (text_field, id_field) if name not in columns and not (name == id_field == DEFAULT_ID_FIELD)]
    if missing:
        option = "--text-field" if missing[0] == text_field else "--id-field"
        raise InputError(
            f"{path} has no column {missing[0]!r}: pass {option} with one of its columns: {', '.join(map(repr, columns)) or '(none)'}"
        )


def _csv_text(path: Path) -> io.TextIOWrapper:
    # surrogateescape keeps undecodable bytes: such a cell goes to the reader's decoder as bytes.
    return io.TextIOWrapper(open_stream(path), encoding="utf-8-sig", errors="surrogateescape", newline="")


class _RowTooLong(Exception):
    """A CSV row (its lines together) over the cap; ``size``: its characters, counted, not kept."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class _CappedRows:
    """The lines csv.reader parses, read within a cap per row: a row is one line, or several in a quoted cell.

    ``for line in text`` would read a 300 MiB line whole (1.28 GiB of memory); here a row's
    lines may hold ``max_chars`` together, and the rest of a longer one is skipped, not kept.
    :meth:`next_row` starts the count again once csv.reader has made a row.
    """

    def __init__(self, text: io.TextIOWrapper, max_chars: int) -> None:
        self.text, self.max_chars, self.row_chars = text, max_chars, 0

    def __iter__(self) -> "_CappedRows":
        return self

    def __next__(self) -> str:
        line = self.text.readline(self.max_chars + 1 - self.row_chars)
        if not line:
            raise StopIteration
        self.row_chars += len(line)
        if self.row_chars > self.max_chars:
            size = self.row_chars + (0 if line.endswith(("\n", "\r")) else skip_rest_of_line(self.text, ("\n", "\r")))
            self.row_chars = 0
            raise _RowTooLong(size)
        return line

    def next_row(self) -> None:
        self.row_chars = 0


# --------------------------------------------------------------------------- reading


def iter_csv(path: Path, ctx: ReadContext) -> Iterator[RawArticle]:
    """The rows of a CSV/TSV with a header row (compressed or not), one article each."""
    text_field, id_field, several, max_bytes = ctx.text_field, ctx.id_field, ctx.several, ctx.max_bytes
    name = path.as_posix()
    try:
        check_columns(path, text_field, id_field)
    except TableDamaged as exc:
        yield RawArticle(f"{name}@damaged", name, None, error=str(exc))
        return
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, max_bytes))  # long articles are normal here; the size is checked per cell below
    try:
        with _csv_text(path) as text:
            lines = _CappedRows(text, max_bytes)
            rows = csv.reader(lines, delimiter=table_delimiter(path))
            header = [column.strip() for column in next(rows)]
            text_at = header.index(text_field)
            id_at = header.index(id_field) if id_field in header else None
            number = 0
            while True:
                lines.next_row()
                try:
                    row = next(rows, None)
                except csv.Error as exc:
                    number += 1
                    yield RawArticle(_row_id(name, number, several), f"{name}:{number}", None,
                                     error=f"row {number} of {name} is malformed ({exc}): fix or remove it")
                    continue
                except _RowTooLong as exc:
                    number += 1
                    yield RawArticle(_row_id(name, number, several), f"{name}:{number}", None,
                                     error=f"row {number} of {name} is over the {max_bytes / 1024 / 1024:.1f} MiB input limit "
                                           f"({exc.size} characters; the row was not read): split it into smaller articles")
                    continue
                if row is None:
                    damage = damage_of(text.buffer)
                    if damage is not None:
                        yield damage_record(name, damage, "the rows before it were read")
                    return
                number += 1
                if not any(cell.strip() for cell in row):
                    continue
                raw_id = row[id_at] if id_at is not None and id_at < len(row) else None
                cell = row[text_at] if text_at < len(row) else None
                yield _row(name, number, several, raw_id, cell, text_field, max_bytes)
    except (OSError, EOFError, UnicodeError) as exc:
        yield RawArticle(f"{name}@damaged", name, None, error=f"{name} cannot be read to the end ({exc}): the rows before were read")
    finally:
        csv.field_size_limit(limit)


def iter_parquet(path: Path, ctx: ReadContext) -> Iterator[RawArticle]:
    """The rows of a Parquet file, one at a time (only the two columns needed), each cell checked before it is copied.

    A row group read whole and turned into Python strings took 2.87 GiB for a 1.4 KB file of
    dictionary-encoded 21 MiB cells: rows are read one per batch, the text column stays
    dictionary-encoded, and a cell's size is read from Arrow before it becomes a string.  A
    damaged file ends in one error record after the rows before the damage.
    """
    text_field, id_field, several, max_bytes = ctx.text_field, ctx.id_field, ctx.several, ctx.max_bytes
    parquet = require_archives("pyarrow.parquet", "Parquet files")
    arrow = require_archives("pyarrow", "Parquet files")
    name = path.as_posix()
    try:
        check_columns(path, text_field, id_field)
    except TableDamaged as exc:
        yield RawArticle(f"{name}@damaged", name, None, error=str(exc))
        return
    number = 0
    try:
        text_type = parquet.read_schema(path).field(text_field).type
        as_dictionary = [text_field] if arrow.types.is_string(text_type) or arrow.types.is_binary(text_type) else None  # byte arrays only
        table_file = parquet.ParquetFile(path, read_dictionary=as_dictionary, buffer_size=PARQUET_READ_BUFFER)
        columns = [text_field] + ([id_field] if id_field in table_file.schema_arrow.names and id_field != text_field else [])
        for batch in table_file.iter_batches(batch_size=1, columns=columns):
            for row in range(batch.num_rows):
                number += 1
                cell = batch.column(text_field)[row]
                if isinstance(cell, arrow.DictionaryScalar):
                    cell = cell.value
                raw_id = batch.column(id_field)[row].as_py() if id_field in columns else None
                size = _cell_bytes(cell)
                if size is not None and size > max_bytes:
                    yield RawArticle(str(raw_id) if raw_id not in (None, "") else _row_id(name, number, several), f"{name}:{number}", None,
                                     error=f"row {number} of {name} is over the {max_bytes / 1024 / 1024:.0f} MiB input limit "
                                           f"({size} bytes; it was not read): split it")
                    continue
                yield _row(name, number, several, raw_id, _cell_value(cell), text_field, max_bytes)
    except (OSError, arrow.ArrowException) as exc:
        yield damage_record(name, exc, "the rows before it were read")


def _cell_value(cell: Any) -> Any:
    """A cell as Python; a string cell that is not UTF-8 as its bytes, which the reader's decoder judges (as for CSV)."""
    if cell is None:
        return None
    try:
        return cell.as_py()
    except UnicodeDecodeError:
        return cell.as_buffer().to_pybytes()


def _cell_bytes(cell: Any) -> int | None:
    """The bytes a string or binary Arrow cell holds, read without copying it; None for other types and nulls."""
    if cell is None or not cell.is_valid or not hasattr(cell, "as_buffer"):
        return None
    buffer = cell.as_buffer()
    return None if buffer is None else buffer.size


def _row_id(name: str, number: int, several: bool) -> str:
    return f"{name}:{number}" if several else str(number)


def _row(name: str, number: int, several: bool, raw_id: Any, cell: Any, text_field: str, max_bytes: int) -> RawArticle:
    origin = f"{name}:{number}"
    article_id = _row_id(name, number, several) if raw_id is None or raw_id == "" else str(raw_id)
    if cell is None:
        return RawArticle(article_id, origin, None, error=f"row {number} of {name} has no {text_field!r} value")
    if isinstance(cell, str):
        data: str | bytes = cell
        try:
            cell.encode("utf-8")
        except UnicodeEncodeError:  # undecodable bytes, kept by surrogateescape: let the reader's decoder judge them
            data = cell.encode("utf-8", "surrogateescape")
        size = len(data) if isinstance(data, bytes) else len(cell.encode("utf-8"))
    elif isinstance(cell, (bytes, bytearray)):
        data, size = bytes(cell), len(cell)
    else:
        return RawArticle(article_id, origin, None, error=f"row {number} of {name}: column {text_field!r} holds a {type(cell).__name__}, not text")
    if size > max_bytes:
        return RawArticle(article_id, origin, None, error=f"row {number} of {name} is over the {max_bytes / 1024 / 1024:.0f} MiB input limit: split it")
    return RawArticle(article_id, origin, data)


# --------------------------------------------------------------------------- Parquet output


# Record keys whose values vary in shape (their keys depend on the checks, the input, the options):
# one JSON text column each.  Every other key of a record has a typed column of its own.
JSON_COLUMNS = ("quality", "summary_details", "detection", "removed", "metadata", "models", "timings", "options")


def parquet_schema() -> Any:
    """One row per article: everything its record line says, with pairs as a list of structs.

    The first ten columns are the ones the first Parquet output had, in the same order; the
    rest carry what the JSONL record carries too (a test checks that no key is left out).
    """
    pa = require_archives("pyarrow", "Parquet output")
    pair = pa.struct([
        ("source", pa.string()), ("translation", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
        ("paragraph", pa.int64()), ("flags", pa.list_(pa.string())), ("pieces", pa.int64()), ("details", pa.string()),
    ])
    return pa.schema([
        ("id", pa.string()), ("index", pa.int64()), ("source", pa.string()), ("lang", pa.string()),
        ("summary", pa.string()), ("pairs", pa.list_(pair)), ("flags", pa.list_(pa.string())),
        ("quality", pa.string()), ("signature", pa.string()), ("error", pa.string()),
        ("text_sha256", pa.string()), ("article_file", pa.string()), ("summary_stages", pa.int64()),
        ("summary_lang", pa.string()), ("summary_translated", pa.string()), ("summary_flags", pa.list_(pa.string())),
        *((name, pa.string()) for name in JSON_COLUMNS if name != "quality"),
        ("summary_sentences", pa.list_(_summary_sentence_type(pa))),
    ])


def _summary_sentence_type(pa: Any) -> Any:
    """A summary sentence: its text, the pairs behind it (index, score), its flags, its details as JSON text."""
    support = pa.struct([("pair", pa.int64()), ("score", pa.float64())])
    return pa.struct([("text", pa.string()), ("support", pa.list_(support)), ("flags", pa.list_(pa.string())), ("details", pa.string())])


def _summary_sentences(record: dict[str, Any]) -> list[dict[str, Any]] | None:
    sentences = record.get("summary_sentences")
    if sentences is None:
        return None
    return [
        {"text": entry.get("text"), "support": [{"pair": s.get("pair"), "score": s.get("score")} for s in entry.get("support") or []],
         "flags": list(entry.get("flags") or []), "details": _json_text(entry.get("details"))}
        for entry in sentences
    ]


def _json_text(value: Any) -> str | None:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value is not None else None


def parquet_row(record: dict[str, Any]) -> dict[str, Any]:
    """A record line as a Parquet row; the :data:`JSON_COLUMNS` and a pair's ``details`` as JSON text."""
    pairs = [
        {"source": pair.get("source"), "translation": pair.get("translation"), "start": pair.get("start"),
         "end": pair.get("end"), "paragraph": pair.get("paragraph"), "flags": list(pair.get("flags") or []),
         "pieces": pair.get("pieces", 1), "details": _json_text(pair.get("details"))}
        for pair in record.get("pairs") or []
    ]
    row = {name: record.get(name) for name in ("id", "index", "source", "lang", "summary", "signature", "error", "text_sha256",
                                               "article_file", "summary_stages", "summary_lang", "summary_translated")}
    row.update({name: _json_text(record.get(name)) for name in JSON_COLUMNS})
    row.update(pairs=pairs, flags=list(record.get("flags") or []), summary_flags=list(record.get("summary_flags") or []))
    row["summary_sentences"] = _summary_sentences(record)
    return row


def write_parquet(records: Iterable[dict[str, Any]], out: str | os.PathLike, *, batch: int = PARQUET_BATCH) -> int:
    """Write ``records`` (record dicts, one per id) to ``out`` atomically; returns the row count.

    Rows go in batches to a temporary file beside ``out``, which is fsynced and
    renamed over ``out`` only once complete; a failure removes it and leaves
    any earlier ``out`` as it was.
    """
    pa = require_archives("pyarrow", "Parquet output")
    parquet = require_archives("pyarrow.parquet", "Parquet output")
    out = Path(out)
    schema = parquet_schema()
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent or ".")
    except OSError as exc:
        raise OutputError(f"cannot write {out} ({exc.strerror or exc}): check the folder") from None
    temp = Path(temp_name)
    rows = 0
    try:
        with os.fdopen(handle, "wb") as raw:
            with parquet.ParquetWriter(raw, schema) as writer:
                pending: list[dict[str, Any]] = []
                for record in records:
                    pending.append(parquet_row(record))
                    if len(pending) >= batch:
                        writer.write_table(pa.Table.from_pylist(pending, schema=schema))
                        rows += len(pending)
                        pending = []
                if pending or rows == 0:
                    writer.write_table(pa.Table.from_pylist(pending, schema=schema))
                    rows += len(pending)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temp, out)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {out} ({exc.strerror or exc}): check the folder; rerunning rewrites it from the records") from None
        raise
    if sys.platform != "win32":
        try:
            folder = os.open(out.parent or ".", os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        except OSError:
            pass
    return rows


def read_parquet_ids(path: str | os.PathLike) -> list[str]:
    """The ids of a Parquet output, in order (for checks and tests)."""
    parquet = require_archives("pyarrow.parquet", "Parquet files")
    return parquet.read_table(path, columns=["id"]).column("id").to_pylist()
