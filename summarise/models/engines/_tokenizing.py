"""Tokenizers read straight from a model folder, without transformers (and so without torch).

A CTranslate2 model runs on ``tokenizers`` or ``sentencepiece`` alone, as faster-whisper does:
importing transformers for its tokenizer classes cost more than everything else a one-article run
does before the first sentence is translated.  Two families cover the models we convert:

* :class:`FastTokenizer`: a ``tokenizer.json`` (BART's byte-level BPE, the word-level test models);
* :class:`MarianTokenizer`: OPUS-MT's layout, ``source.spm`` / ``target.spm`` and ``vocab.json``.

Each gives the ids, the token strings and the decoded text (special tokens skipped, no clean-up of
spaces) that transformers' own tokenizer gives for the same folder; ``tests/models/test_tokenizing.py``
proves it on a corpus for both families.  :func:`load_tokenizer` returns ``None`` for a folder of
another shape, and the caller falls back to transformers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Protocol

__all__ = ["FastTokenizer", "LoadedTokenizer", "MarianTokenizer", "Tokenizer", "load_tokenizer"]

SPIECE_UNDERLINE = "\u2581"


class Tokenizer(Protocol):
    """What an engine asks of a tokenizer: ids with the special tokens added, tokens, text back.

    ``ids_to_tokens``, ``tokens_to_ids`` and ``decode`` speak the target vocabulary (what the model writes).
    """

    eos_token: str

    def encode(self, texts: list[str]) -> list[list[int]]: ...

    def source_tokens(self, ids: list[list[int]]) -> list[list[str]]:
        """The source pieces of encoded ids, as the model's source vocabulary names them."""
        ...

    def ids_to_tokens(self, ids: list[int]) -> list[str]: ...

    def tokens_to_ids(self, tokens: list[str]) -> list[int]: ...

    def decode(self, ids: list[int]) -> str: ...


def _config(path: Path) -> dict[str, Any]:
    config = path / "tokenizer_config.json"
    return json.loads(config.read_text(encoding="utf-8")) if config.is_file() else {}


def _content(token: Any) -> str | None:
    """A special token as tokenizer_config.json stores it: a string, or an AddedToken dict."""
    if isinstance(token, dict):
        token = token.get("content")
    return token if isinstance(token, str) else None


class FastTokenizer:
    """A ``tokenizer.json``, run by ``tokenizers``: what transformers' fast tokenizers run underneath."""

    def __init__(self, path: Path) -> None:
        from tokenizers import Tokenizer as RustTokenizer  # lazy: a compiled extension, loaded by the engine only

        self._tokenizer = RustTokenizer.from_file(str(path / "tokenizer.json"))
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        config = _config(path)
        self.eos_token = _content(config.get("eos_token")) or "</s>"
        self.unk_id = self._tokenizer.token_to_id(_content(config.get("unk_token")) or "<unk>")

    def encode(self, texts: list[str]) -> list[list[int]]:
        return [encoding.ids for encoding in self._tokenizer.encode_batch(texts, add_special_tokens=True)]

    def ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [self._tokenizer.id_to_token(int(index)) for index in ids]

    def source_tokens(self, ids: list[list[int]]) -> list[list[str]]:
        return [self.ids_to_tokens(row) for row in ids]

    def tokens_to_ids(self, tokens: list[str]) -> list[int]:
        ids = [self._tokenizer.token_to_id(token) for token in tokens]
        return [self.unk_id if index is None else index for index in ids]

    def decode(self, ids: list[int]) -> str:
        return self._tokenizer.decode([int(index) for index in ids], skip_special_tokens=True)


class MarianTokenizer:
    """OPUS-MT's tokenizer: SentencePiece pieces looked up in ``vocab.json``, ``</s>`` appended.

    As transformers' ``MarianTokenizer`` does: the text is first split around the special and added
    tokens it contains (each kept whole), a leading ``>>xx<<`` language code is kept whole, pieces
    outside the vocabulary become ``<unk>``; decoding skips every special token (``<unk>`` included)
    and joins the pieces with the source model when the vocabulary is shared, the target model when not.
    """

    def __init__(self, path: Path) -> None:
        import sentencepiece  # lazy: a compiled extension, loaded by the engine only

        config = _config(path)
        self.encoder: dict[str, int] = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
        self.source_decoder = {index: token for token, index in self.encoder.items()}
        self.separate_vocabs = bool(config.get("separate_vocabs", False))
        self.decoder: dict[int, str]
        if self.separate_vocabs:
            target = path / (config.get("target_vocab_file") or "target_vocab.json")
            self.decoder = {index: token for token, index in json.loads(target.read_text(encoding="utf-8")).items()}
        else:
            self.decoder = {index: token for token, index in self.encoder.items()}
        self.source = sentencepiece.SentencePieceProcessor(model_file=str(path / "source.spm"))
        self.target = sentencepiece.SentencePieceProcessor(model_file=str(path / "target.spm"))
        self.eos_token = _content(config.get("eos_token")) or "</s>"
        self.unk_token = _content(config.get("unk_token")) or "<unk>"
        self.pad_token = _content(config.get("pad_token")) or "<pad>"
        added = {int(index): token for index, token in (config.get("added_tokens_decoder") or {}).items()}
        self.added_encoder = {token["content"]: index for index, token in added.items()}
        self.added_decoder = {index: token["content"] for index, token in added.items()}
        specials = {self.eos_token, self.unk_token, self.pad_token}
        specials |= {token["content"] for token in added.values() if token.get("special")}
        self.specials = frozenset(specials)
        self.special_ids = {self._token_id(token) for token in specials}
        whole = sorted(specials | set(self.added_encoder), key=len, reverse=True)
        self._whole = re.compile("|".join(re.escape(token) for token in whole))
        self.eos_id = self._token_id(self.eos_token)

    def _token_id(self, token: str) -> int:
        if token in self.added_encoder:
            return self.added_encoder[token]
        return self.encoder.get(token, self.encoder[self.unk_token])

    def _pieces(self, text: str) -> list[str]:
        tokens: list[str] = []
        start = 0
        for match in self._whole.finditer(text):
            tokens.extend(self._subwords(text[start : match.start()]))
            tokens.append(match.group())
            start = match.end()
        tokens.extend(self._subwords(text[start:]))
        return tokens

    def _subwords(self, text: str) -> list[str]:
        if not text:
            return []
        code: list[str] = []
        if text.startswith(">>") and (end := text.find("<<")) != -1:
            code, text = [text[: end + 2]], text[end + 2 :]
        return code + self.source.encode(text, out_type=str)

    def encode(self, texts: list[str]) -> list[list[int]]:
        return [[self._token_id(piece) for piece in self._pieces(text)] + [self.eos_id] for text in texts]

    def source_tokens(self, ids: list[list[int]]) -> list[list[str]]:
        return [[self.source_decoder[int(index)] for index in row] for row in ids]

    def ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [self._id_token(int(index)) for index in ids]

    def _id_token(self, index: int) -> str:
        if index in self.added_decoder:
            return self.added_decoder[index]
        if index in self.decoder:
            return self.decoder[index]
        model = self.target if self.separate_vocabs else self.source
        return model.id_to_piece(index) if 0 <= index < model.get_piece_size() else self.unk_token

    def tokens_to_ids(self, tokens: list[str]) -> list[int]:
        return [self._token_id(token) for token in tokens]

    def decode(self, ids: list[int]) -> str:
        pieces = [self._id_token(int(index)) for index in ids if int(index) not in self.special_ids]
        model = self.target if self.separate_vocabs else self.source
        parts: list[str] = []
        run: list[str] = []
        for piece in pieces:
            if piece in self.specials:  # a special token's text under another id (a separate target vocabulary)
                parts.append(model.decode_pieces(run) + piece + " ")
                run = []
            else:
                run.append(piece)
        parts.append(model.decode_pieces(run))
        return "".join(parts).replace(SPIECE_UNDERLINE, " ").strip()


def load_tokenizer(path: Path) -> Tokenizer | None:
    """The tokenizer saved in ``path`` without transformers, or ``None`` where the folder has neither layout."""
    if (path / "source.spm").is_file() and (path / "target.spm").is_file() and (path / "vocab.json").is_file():
        return MarianTokenizer(path)
    if (path / "tokenizer.json").is_file():
        return FastTokenizer(path)
    return None


class LoadedTokenizer:
    """A tokenizer transformers loaded, behind the same calls: for folders of neither layout above."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        self.eos_token = tokenizer.eos_token

    def encode(self, texts: list[str]) -> list[list[int]]:
        # verbose=False: long texts are counted to be cut; transformers would call that a sequence too long for the model.
        return self._tokenizer(texts, add_special_tokens=True, truncation=False, verbose=False)["input_ids"] if texts else []

    def source_tokens(self, ids: list[list[int]]) -> list[list[str]]:
        return [self._tokenizer.convert_ids_to_tokens(row) for row in ids]

    def ids_to_tokens(self, ids: list[int]) -> list[str]:
        return self._tokenizer.convert_ids_to_tokens([int(index) for index in ids])

    def tokens_to_ids(self, tokens: list[str]) -> list[int]:
        return self._tokenizer.convert_tokens_to_ids(tokens)

    def decode(self, ids: list[int]) -> str:
        return self._tokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)
