"""Tiny seq2seq models and a word-level tokenizer, built offline for the test suite.

The random models exercise loading and generation plumbing; the copy model gives tests
a translator whose output is predictable (it echoes its input), so pipelines can be
checked end to end without any hub download.
"""

from __future__ import annotations

import os

# Idle OpenMP workers otherwise spin on the two shared cores and slow every other test
# (and the copy training) several-fold. This must happen before torch is imported, which
# is why tests/conftest.py imports this module early.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import copy
import functools
from collections.abc import Callable
from pathlib import Path

import torch
from tokenizers import Tokenizer, models, pre_tokenizers, processors
from transformers import (
    BartConfig,
    BartForConditionalGeneration,
    GenerationConfig,
    MarianConfig,
    MarianMTModel,
    PreTrainedModel,
    PreTrainedTokenizerFast,
)

SPECIAL_TOKENS = ["<pad>", "</s>", "<unk>", "<s>"]
PAD_ID, EOS_ID, UNK_ID, BOS_ID = range(4)

_PUNCTUATION = ". , ; : ! ? « » \" ' ’ ( ) - — % …".split()
_DIGITS = [str(d) for d in range(10)]

_FRENCH_FUNCTION = """
le la les l un une des du de d au aux à et ou mais donc or ni car que qu qui quoi dont où
ce cet cette ces ceci cela ça son sa ses leur leurs notre nos votre vos mon ma mes
il elle ils elles on nous vous je j tu se s y en ne n pas plus moins très trop aussi
dans sur sous avec sans pour par entre vers chez contre depuis pendant avant après selon
lors malgré parmi dès jusqu comme si alors ainsi encore déjà toujours jamais souvent
tout tous toute toutes autre autres même mêmes chaque plusieurs certains aucun aucune
est sont été être était étaient sera seront a ont avait avaient aura auront fait font
faire peut peuvent pourrait doit doivent devrait va vont dit déclaré estime affirme
""".split()

_FRENCH_NEWS = """
secrétaire général générale Otan Alliance alliés allié Ukraine ukrainien ukrainienne
ukrainiens Russie russe russes Moscou Kiev Kyiv Bruxelles Paris France Europe européen
européenne européens Union États Unis Washington président présidente ministre gouvernement
guerre paix conflit armée soldats troupes frontière attaque attaques frappe frappes missiles
drones défense sécurité sommet réunion accord négociations sanctions aide militaire
condamne condamné appelle appellent soutien soutient soutenons annonce annoncé livraison
armes pays membres dirigeants chef chefs État capitale ville région villes civils victimes
morts blessés habitants population journée semaine mois année années hier aujourd hui
demain matin soir nuit lundi mardi mercredi jeudi vendredi samedi dimanche janvier février
mars avril mai juin juillet août septembre octobre novembre décembre élections élection
vote parlement député députés loi réforme budget opposition parti majorité campagne candidat
économie économique croissance inflation prix hausse baisse taux banque centrale
entreprises emploi chômage marché marchés euros milliards millions pour cent dollars
météo temps pluie pluies orages orage vent vents neige soleil chaleur froid températures
degrés alerte tempête nord sud est ouest côte prévisions vigilance inondations orange rouge
jaune nouveau nouvelle nouvelles nouveaux grand grande grands premier première dernier
dernière fort forte forts fortes long importante important grave rapide attendent
continuer finie voulons
""".split()

_CAPITALISED = """
Le La Les L Un Une Des Du De D Au Aux À Et Ou Mais Que Qui Ce Cette Ces Son Sa Il Elle
Ils Elles On Nous Vous Je Dans Sur Avec Pour Par Selon Après Avant Depuis Pendant Lors
Malgré Hier Aujourd Demain Météo Mardi Lundi Mercredi Jeudi Vendredi Samedi Dimanche Tout
The A An In On At For With After Before According He She They It This That These We
""".split()

_ENGLISH = """
the a an of and or but to in on at for with by from as is are was were be been has have
had will would can could should may not no it its this that these those he she they his
her their we our you who which what when where while after before during against about
over under between into than then also more most very new first last says said warns
secretary general NATO alliance allies Ukraine Ukrainian Russia Russian Moscow Brussels
president minister government war peace conflict army soldiers troops border attack
attacks strike strikes missiles drones defence defense security summit meeting agreement
talks sanctions military support supports announced announces weapons countries members
leaders head state capital city region civilians victims dead wounded people day week
month year yesterday today tomorrow morning evening night election elections parliament
law reform budget opposition party economy economic growth inflation prices rise fall
rate rates bank central companies jobs unemployment market markets billion million percent
weather rain storm storms wind snow sun heat cold temperatures degrees alert north south
east west coast forecast floods condemns condemned calls aid arms country
""".split()


def _unique(words: list[str]) -> list[str]:
    return list(dict.fromkeys(words))


VOCAB_WORDS: list[str] = _unique(
    _PUNCTUATION + _DIGITS + _FRENCH_FUNCTION + _FRENCH_NEWS + _CAPITALISED + _ENGLISH
)
_VOCAB = {token: i for i, token in enumerate(SPECIAL_TOKENS + VOCAB_WORDS)}


# BART's own special-token ids (<s> 0, <pad> 1, </s> 2, <unk> 3), so that a tiny BART can carry
# the published BART-CNN generation_config.json with its very numbers.
BART_SPECIAL_TOKENS = ["<s>", "<pad>", "</s>", "<unk>"]
BART_BOS, BART_PAD, BART_EOS, BART_UNK = range(4)
_BART_VOCAB = {token: i for i, token in enumerate(BART_SPECIAL_TOKENS + VOCAB_WORDS)}


def _raw_tokenizer(vocab: dict[str, int] | None = None) -> Tokenizer:
    """Word-level, case-kept, punctuation and digits isolated: decoding is just tokens joined by spaces."""
    vocab = vocab or _VOCAB
    tokenizer = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.WhitespaceSplit(),
            pre_tokenizers.Punctuation(),
            pre_tokenizers.Digits(individual_digits=True),
        ]
    )
    tokenizer.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", vocab["</s>"])]
    )
    return tokenizer


def _fast_tokenizer(vocab: dict[str, int] | None = None) -> PreTrainedTokenizerFast:
    return PreTrainedTokenizerFast(
        tokenizer_object=_raw_tokenizer(vocab),
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
        bos_token="<s>",
        # Without this, decode() would glue punctuation back ("l'Otan", "guerre.") and
        # copy outputs could no longer be compared token for token with normalise().
        clean_up_tokenization_spaces=False,
        model_max_length=512,
    )


def build_tokenizer(out_dir: Path, vocab: dict[str, int] | None = None) -> None:
    """Save the word-level tokenizer so that ``AutoTokenizer.from_pretrained(out_dir)`` loads it."""
    _fast_tokenizer(vocab).save_pretrained(out_dir)


@functools.cache
def _cached_tokenizer() -> PreTrainedTokenizerFast:
    """One shared in-memory instance, for normalise() and for tests that inspect the vocabulary."""
    return _fast_tokenizer()


def normalise(text: str) -> str:
    """Return ``text`` as a perfect copy model's output decodes: tokens joined by single spaces.

    Unknown words come back as nothing, since ``<unk>`` is a special token and is skipped.
    """
    tokenizer = _cached_tokenizer()
    return tokenizer.decode(tokenizer(text).input_ids, skip_special_tokens=True)


def _generation_config(max_length: int) -> GenerationConfig:
    """Plain greedy defaults: no forced tokens, no minimum length, so any output length is possible."""
    return GenerationConfig(
        decoder_start_token_id=PAD_ID,
        pad_token_id=PAD_ID,
        eos_token_id=EOS_ID,
        forced_eos_token_id=None,
        max_length=max_length,
    )


def _marian_config(d_model: int, layers: int, ffn_dim: int, max_positions: int) -> MarianConfig:
    return MarianConfig(
        vocab_size=len(_VOCAB),
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=ffn_dim,
        decoder_ffn_dim=ffn_dim,
        max_position_embeddings=max_positions,
        pad_token_id=PAD_ID,
        eos_token_id=EOS_ID,
        decoder_start_token_id=PAD_ID,
        forced_eos_token_id=None,  # MarianConfig defaults to 0, which would force <pad> at max length.
        share_encoder_decoder_embeddings=True,
        dropout=0.0,
    )


def save(model: PreTrainedModel, out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    model.save_pretrained(out_dir)
    build_tokenizer(out_dir)
    return out_dir


def build_random_marian(out_dir: Path, *, max_positions: int = 128, seed: int = 0) -> Path:
    """A randomly initialised Marian model: loads and generates, output is noise."""
    torch.manual_seed(seed)
    model = MarianMTModel(_marian_config(d_model=32, layers=1, ffn_dim=64, max_positions=max_positions))
    model.generation_config = _generation_config(max_length=min(64, max_positions))
    return save(model, out_dir)


def build_random_bart(out_dir: Path, *, max_positions: int = 128, seed: int = 0) -> Path:
    """A randomly initialised BART model (learned positions, <s>/</s> conventions differ from Marian)."""
    torch.manual_seed(seed)
    config = BartConfig(
        vocab_size=len(_VOCAB),
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=max_positions,
        pad_token_id=PAD_ID,
        bos_token_id=BOS_ID,
        eos_token_id=EOS_ID,
        decoder_start_token_id=EOS_ID,  # BART starts decoding from </s>.
        forced_bos_token_id=None,
        forced_eos_token_id=None,
        # Tied output embeddings make a random model echo its start token </s>, i.e. return
        # empty text for most seeds; an independent head gives non-empty noise.
        tie_word_embeddings=False,
    )
    model = BartForConditionalGeneration(config)
    generation = _generation_config(max_length=min(64, max_positions))
    generation.decoder_start_token_id = EOS_ID
    generation.bos_token_id = BOS_ID
    model.generation_config = generation
    return save(model, out_dir)


_COPY_MAX_TOKENS = 30
_COPY_HELD_OUT = 512
# Marian's sinusoidal position embedding stores sin/cos of frequency m in dims m and d/2 + m.
# The d/4 fastest frequencies (16 of a 64-wide model) tell positions apart; the slower ones
# barely move over 128 positions, so their dims are free to carry token identity.


# Trained models are trained until they are right *with a margin*: at every position of every
# held-out sequence, the right token's log-probability is at least MARGIN above the runner-up's.
# Then greedy decoding is right under any arithmetic that moves a log-probability by less than
# half of it (int8, another CPU's kernels, another accumulation order), and beam search has no
# near-tie to break: exact-output assertions test the engine, not the luck of one rounding.
MARGIN = 4.0
# Training is counted in steps, never in seconds: a busy machine gives the same model, or this clear failure.
_CHECK_EVERY = 10


def train_copy_marian(out_dir: Path, *, max_steps: int = 1500, seed: int = 0) -> Path:
    """Train a tiny Marian model to echo its input, so tests get predictable translations.

    Starts from a hand-set copying circuit (see ``_install_copy_circuit``); plain random
    initialisation learns copying after anywhere from a few hundred steps to never.
    Raises RuntimeError if the held-out margin is not reached within ``max_steps`` steps.
    """
    return save(copy_marian(max_steps=max_steps, seed=seed), out_dir)


def copy_marian(*, d_model: int = 64, max_steps: int = 1500, seed: int = 0) -> MarianMTModel:
    """The copy model, in memory; ``d_model`` above 64 gives a wider one (two heads of ``d_model / 2``)
    for tasks whose circuits need more room than copying does."""
    torch.manual_seed(seed)
    torch.set_num_threads(2)
    config = _marian_config(d_model=d_model, layers=1, ffn_dim=2 * d_model, max_positions=128)
    model = MarianMTModel(config)
    model.generation_config = _generation_config(max_length=64)
    _install_copy_circuit(model)
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    warmup = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: min(1.0, (step + 1) / 20))
    name = f"copy (seed {seed})" if d_model == 64 else f"copy (d_model {d_model}, seed {seed})"
    train_to_margin(model, random_copy_batch, generator, optimiser, name=name, max_steps=max_steps, schedule=warmup)
    return model


_Batch = tuple[torch.Tensor, torch.Tensor, torch.Tensor]


def train_to_margin(
    model: PreTrainedModel,
    make: Callable[[torch.Generator, int], _Batch],
    generator: torch.Generator,
    optimiser: torch.optim.Optimizer,
    *,
    name: str,
    max_steps: int,
    margin: float = MARGIN,
    held_out: int = _COPY_HELD_OUT,
    schedule: torch.optim.lr_scheduler.LRScheduler | None = None,
    share: float = 1.0,
    average: float | None = None,
    check_every: int = _CHECK_EVERY,
) -> int:
    """Train on batches of 64 until every held-out position is right by ``margin``; returns the steps taken.

    The held-out set is drawn first from ``generator``, then the training batches: the same seed
    gives the same model on any machine, however busy.

    ``share`` below 1 asks that share of the held-out sequences to be right by the margin, for a
    task model that is measured rather than relied on exactly.  ``average`` judges (and keeps) an
    exponential moving average of the weights with that decay instead of the last step's, which
    takes out the step-to-step noise of a small batch.  ``check_every``: steps between checks, for a
    model whose training is long enough that the checks themselves cost.
    """
    batch = make(generator, held_out)
    judged = copy.deepcopy(model) if average is not None else model
    step = 0
    while (reached := _share_at_margin(judged, batch, margin)) < share or not beam_search_writes_labels(judged, batch, margin=margin):
        if step >= max_steps:
            raise RuntimeError(
                f"{name} model: {reached:.1%} of held-out sequences right by the margin after {step} steps (target {margin} on "
                f"{share:.0%}, worst {worst_margin(judged, batch):.2f}, and beam 4 writing those labels); raise max_steps or try another seed"
            )
        model.train()
        for _ in range(check_every):
            input_ids, attention_mask, labels = make(generator, 64)
            loss = model(input_ids=input_ids, attention_mask=attention_mask, labels=labels).loss
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            if schedule is not None:
                schedule.step()
            if average is not None:
                with torch.no_grad():
                    for kept, current in zip(judged.parameters(), model.parameters()):
                        kept.lerp_(current, 1 - average)
        step += check_every
    if judged is not model:
        model.load_state_dict(judged.state_dict())
    model.eval()
    return step


def _share_at_margin(model: PreTrainedModel, batch: _Batch, margin: float) -> float:
    return (token_margins(model, batch).min(-1).values >= margin).float().mean().item()


def random_copy_batch(generator: torch.Generator, size: int) -> _Batch:
    """Right-padded random word sequences of 1–30 tokens plus </s>, as the tokenizer would encode them."""
    width = _COPY_MAX_TOKENS + 1
    lengths = torch.randint(1, width, (size, 1), generator=generator)
    positions = torch.arange(width).unsqueeze(0)
    input_ids = torch.randint(len(SPECIAL_TOKENS), len(_VOCAB), (size, width), generator=generator)
    input_ids[positions == lengths] = EOS_ID
    input_ids[positions > lengths] = PAD_ID
    attention_mask = (positions <= lengths).long()
    labels = input_ids.masked_fill(attention_mask == 0, -100)
    return input_ids, attention_mask, labels


@torch.no_grad()
def token_margins(model: PreTrainedModel, batch: _Batch) -> torch.Tensor:
    """Per labelled position, the right token's log-probability minus the best other token's (teacher-forced).

    Positive everywhere means greedy decoding writes the labels exactly; one forward pass instead
    of a generate() loop keeps the frequent checks cheap.  Unlabelled positions are +inf.
    """
    model.eval()
    input_ids, attention_mask, labels = batch
    logits = model(input_ids=input_ids, attention_mask=attention_mask, labels=labels).logits.float()
    log_probs = logits.log_softmax(-1)
    gold = labels.clamp(min=0)
    right = log_probs.gather(-1, gold.unsqueeze(-1)).squeeze(-1)
    others = log_probs.scatter(-1, gold.unsqueeze(-1), float("-inf")).max(-1).values
    return (right - others).masked_fill(labels == -100, float("inf"))


def worst_margin(model: PreTrainedModel, batch: _Batch) -> float:
    return token_margins(model, batch).min().item()


_BEAM_CHECKED = 128


@torch.no_grad()
def beam_search_writes_labels(model: PreTrainedModel, batch: _Batch, beams: int = 4, margin: float | None = None) -> bool:
    """Whether beam search writes exactly the labels of the first held-out sequences.

    Margins at every position make greedy decoding right; beam search compares whole hypotheses
    (a shorter one may score higher), so it is checked on its own.  With ``margin``, only the
    sequences right by that margin are checked (the others are not claimed).
    """
    model.eval()
    input_ids, attention_mask, labels = (part[:_BEAM_CHECKED] for part in batch)
    if margin is not None:
        kept = token_margins(model, (input_ids, attention_mask, labels)).min(-1).values >= margin
        input_ids, attention_mask, labels = input_ids[kept], attention_mask[kept], labels[kept]
    output = model.generate(
        input_ids=input_ids, attention_mask=attention_mask, num_beams=beams, do_sample=False,
        max_length=labels.shape[1] + 2, min_length=0,
    )
    for row, written in zip(labels, output[:, 1:]):  # after the decoder start token
        wanted = row[row != -100].tolist()
        if written[: len(wanted)].tolist() != wanted:
            return False
    return True


def _exact_copy_rate(model: PreTrainedModel, batch: _Batch) -> float:
    """Share of sequences with every teacher-forced argmax right: exactly those greedy decoding copies."""
    return (token_margins(model, batch) > 0).all(-1).float().mean().item()


@torch.no_grad()
def _install_copy_circuit(model: MarianMTModel) -> None:
    """Set weights so that the untrained model already copies most tokens.

    Token embeddings live only in the slow-frequency dims, with equal norms and no component
    along the LayerNorm mean or the (near constant) slow position signal, so LayerNorm treats
    every token alike. Every sub-layer output starts at zero except the last decoder
    cross-attention, whose q/k read the fast position dims (decoder step i looks at source
    position i) and whose v/out read the token dims (and write the source token there).
    Training then only has to fix the first few positions, which takes tens of steps.
    """
    d_model = model.config.d_model
    heads = model.config.decoder_attention_heads
    head_dim = d_model // heads
    fast = d_model // 4
    position_dims = torch.tensor([*range(fast), *range(d_model // 2, d_model // 2 + fast)])
    token_dims = torch.tensor([i for i in range(d_model) if i not in position_dims])
    assert len(position_dims) == len(token_dims) == head_dim

    slow_position = model.model.encoder.embed_positions.weight[: _COPY_MAX_TOKENS + 1, token_dims].mean(0)
    avoid, _ = torch.linalg.qr(torch.stack([torch.ones(head_dim), slow_position], dim=1))
    tokens = torch.randn(len(_VOCAB), head_dim)
    tokens -= tokens @ avoid @ avoid.T
    tokens *= head_dim**0.5 / tokens.norm(dim=1, keepdim=True)
    embeddings = model.model.shared.weight
    embeddings.zero_()
    embeddings[:, token_dims] = tokens
    embeddings[PAD_ID] = 0

    def zero(*linears: torch.nn.Linear) -> None:
        for linear in linears:
            linear.weight.zero_()
            linear.bias.zero_()

    for layer in model.model.encoder.layers:
        zero(layer.self_attn.out_proj, layer.fc2)
    for layer in model.model.decoder.layers:
        zero(layer.self_attn.out_proj, layer.encoder_attn.out_proj, layer.fc2)

    cross = model.model.decoder.layers[-1].encoder_attn
    zero(cross.q_proj, cross.k_proj, cross.v_proj)
    for head in range(heads):
        rows = torch.arange(head * head_dim, (head + 1) * head_dim)
        cross.q_proj.weight[rows, position_dims] = 7.0  # sharp enough for one-hot attention
        cross.k_proj.weight[rows, position_dims] = 7.0
        cross.v_proj.weight[rows, token_dims] = 1.0
        cross.out_proj.weight[token_dims, rows] = 3.0 / heads  # source token outweighs the previous one


# -- the published models' own generation settings (issue 17) ------------------------------

# sshleifer/distilbart-cnn-12-6 and facebook/bart-large-cnn, generation_config.json.
BART_CNN_GENERATION = {
    "bos_token_id": BART_BOS,
    "eos_token_id": BART_EOS,
    "pad_token_id": BART_PAD,
    "decoder_start_token_id": BART_EOS,
    "forced_bos_token_id": BART_BOS,
    "forced_eos_token_id": BART_EOS,
    "length_penalty": 2.0,
    "no_repeat_ngram_size": 3,
    "early_stopping": True,
    "num_beams": 4,
    "min_length": 56,
    "max_length": 142,
}
# Some checkpoints also suppress tokens; these are frequent words of the random model's output.
SUPPRESSED_WORDS = ("la", "le", "de", "the", "of", ".", ",", "et")


def build_published_bart(out_dir: Path, *, suppress: bool = False, max_positions: int = 128, seed: int = 0, sharpness: float = 8.0) -> Path:
    """A random tiny BART with BART's special-token ids and the published BART-CNN generation settings."""
    torch.manual_seed(seed)
    config = BartConfig(
        vocab_size=len(_BART_VOCAB),
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=max_positions,
        pad_token_id=BART_PAD,
        bos_token_id=BART_BOS,
        eos_token_id=BART_EOS,
        decoder_start_token_id=BART_EOS,
        forced_bos_token_id=BART_BOS,
        forced_eos_token_id=BART_EOS,
        tie_word_embeddings=False,
    )
    model = BartForConditionalGeneration(config)
    with torch.no_grad():
        # A random model's next-token distributions are nearly flat: beams tie to within float
        # rounding, and two correct backends may break a tie differently.  A sharper head keeps
        # the model random but its choices clear, so both backends must agree token for token.
        model.lm_head.weight.mul_(sharpness)
    settings = dict(BART_CNN_GENERATION)
    if suppress:
        settings["suppress_tokens"] = [_BART_VOCAB[w] for w in SUPPRESSED_WORDS]
    model.generation_config = GenerationConfig(**settings)
    out_dir = Path(out_dir)
    model.save_pretrained(out_dir)
    build_tokenizer(out_dir, _BART_VOCAB)
    return out_dir


def opus_mt_generation() -> GenerationConfig:
    """Helsinki-NLP/opus-mt-*, generation_config.json (their <pad> is our PAD_ID, their </s> our EOS_ID)."""
    return GenerationConfig(
        bos_token_id=EOS_ID,
        eos_token_id=EOS_ID,
        pad_token_id=PAD_ID,
        decoder_start_token_id=PAD_ID,
        forced_eos_token_id=EOS_ID,
        bad_words_ids=[[PAD_ID]],
        num_beams=4,
        max_length=512,
    )


def with_published_marian_settings(model_dir: Path, out_dir: Path) -> Path:
    """A copy of a tiny Marian (random or trained) whose generation_config is OPUS-MT's."""
    model = MarianMTModel.from_pretrained(model_dir)
    model.generation_config = opus_mt_generation()
    return save(model, out_dir)
