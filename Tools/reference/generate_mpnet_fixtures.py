#!/usr/bin/env python3
"""MPNet fixtures from sentence-transformers and transformers (requirements-torch.txt).

    python generate_mpnet_fixtures.py [MPNET_MODEL_DIR]

Always writes Tests/InferenceTests/Fixtures/mpnet-tiny/ (small enough to commit, ~0.3 MB):
  checkpoint/       a random-weight MPNet sentence-transformers folder made with transformers: hidden 32,
                    2 layers, 4 heads, a WordPiece tokenizer trained here and post-processed as
                    all-mpnet-base-v2's (`<s> A </s>`, `<unk>` normalized, `<mask>` lstrip), mean pooling +
                    Normalize, max_seq_length 200; every weight random (biases and LayerNorm too), the
                    relative attention bias at std 2 so that it shapes attention (checked below), and the
                    integer `embeddings.position_ids` buffer real checkpoints carry.
  embeddings.jsonl  golden vectors of that model for short, hard, edge-length and windowed texts.
  buckets.json      transformers' `relative_position_bucket` for relative positions -1100…1100.

With MPNET_MODEL_DIR (the sentence-transformers folder of all-mpnet-base-v2; Tools/fetch-weights.sh
all-mpnet-base-v2 verifies it), also writes Tests/InferenceTests/Fixtures/mpnet-embeddings.jsonl:
golden vectors for tokenizer hard cases, short to-do texts, 100–382-token texts, texts over the
window and texts at its edges (381, 382, 383, 384, 573, 574 and 765 content tokens: one window up to
382, two up to 573, three up to 764, then four).

A text of at most W = max_seq_length - 2 content tokens is embedded by SentenceTransformer.encode; a
longer one by the window rule (window_rule.py), computed here on the same model: windows of W
content tokens starting every W // 2, each embedded as <s> window </s> (mean pooling + L2
normalisation), combined as the mean weighted by content tokens, L2-normalised.
"""
import json
import pathlib
import random
import shutil
import sys
from collections import Counter

import torch
from safetensors.torch import load_file, save_file
from sentence_transformers import SentenceTransformer
from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers import models as tokenizer_models
from transformers import MPNetConfig, MPNetModel, MPNetTokenizerFast
from transformers.models.mpnet.modeling_mpnet import MPNetEncoder

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import hard_inputs  # noqa: E402
from window_rule import windows  # noqa: E402

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "Tests/InferenceTests/Fixtures"
TINY = FIXTURES / "mpnet-tiny"
TINY_MAX_SEQ_LENGTH = 200


def embed_windows(model, text):
    """(vector, window count) of `text` by the window rule, on a SentenceTransformer."""
    tok = model.tokenizer
    width = model.max_seq_length - 2
    ids = tok(text, add_special_tokens=False)["input_ids"]
    spans = windows(len(ids), width)
    if len(spans) == 1:
        return model.encode([text], convert_to_numpy=True, normalize_embeddings=False)[0], 1
    encoder = model[0].auto_model
    vectors, weights = [], []
    with torch.no_grad():
        for a, b in spans:
            x = torch.tensor([[tok.cls_token_id] + ids[a:b] + [tok.sep_token_id]])
            h = encoder(input_ids=x, attention_mask=torch.ones_like(x)).last_hidden_state[0]
            vectors.append(torch.nn.functional.normalize(h.mean(0), dim=0))
            weights.append(b - a)
    w = torch.tensor(weights, dtype=torch.float32)[:, None]
    combined = torch.nn.functional.normalize((torch.stack(vectors) * w).sum(0) / w.sum(), dim=0)
    return combined.numpy(), len(spans)


def text_of(tokenizer, rng, tokens):
    """A text of exactly `tokens` content tokens (one word may split into several: trimmed to fit)."""
    words = []
    count = lambda: len(tokenizer(" ".join(words), add_special_tokens=False)["input_ids"])  # noqa: E731
    while count() < tokens:
        words.append(rng.choice(["task", "plan", "budget", "review", "Zürich", "invoice"]))
    while count() > tokens:
        words.pop()
    while count() < tokens:
        words.append("a")
    assert count() == tokens, (count(), tokens)
    return " ".join(words)


def prose(rng, n_words):
    return " ".join(rng.choice(hard_inputs.WORDS + hard_inputs.ACCENTED + ["the", "a", "and", "to", "of", "."]) for _ in range(n_words))


def texts_in(rng, tokenizer, lengths, count):
    """`count` prose texts whose content-token count falls in `lengths`."""
    out = []
    while len(out) < count:
        t = prose(rng, rng.randint(lengths.start // 2, lengths.stop)) + ("\n\n" + hard_inputs.hard_mixture(rng, 20) if rng.random() < 0.3 else "")
        if len(tokenizer(t, add_special_tokens=False)["input_ids"]) in lengths:
            out.append(t)
    return out


def write_rows(path, model, texts):
    rows = []
    for text in texts:
        vector, n = embed_windows(model, text)
        rows.append({"text": text, "windows": n, "vector": [float(f"{x:.8g}") for x in vector.tolist()]})
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} embeddings ({sum(r['windows'] > 1 for r in rows)} windowed) to {path}", file=sys.stderr)


SHORT = ["Buy milk", "Call mom tomorrow", "Renew passport before the Zürich trip", "Pay rent", "Fix the leaking kitchen tap",
         "Submit expense report by Friday", "Book dentist appointment 🦷", "Learn 50 Spanish verbs", "Return the running shoes",
         "Prepare slides for Monday's all-hands", "Water the plants", "Email Jürgen about the invoice"]


def real_model_fixture(model_dir):
    model = SentenceTransformer(str(model_dir), device="cpu")
    assert model.max_seq_length == 384
    tok = model.tokenizer
    rng = random.Random(5)
    texts = [""] + [hard_inputs.hard_mixture(rng, 6) for _ in range(110)] + [hard_inputs.random_code_points(rng, 20) for _ in range(20)]
    texts += SHORT + [rng.choice(SHORT) + " " + rng.choice(hard_inputs.WORDS) for _ in range(70)]
    texts += texts_in(rng, tok, range(100, 383), 50)
    texts += texts_in(rng, tok, range(383, 1000), 34)  # 2-3 windows each: the suite stays at ~2 minutes on one thread
    texts += [text_of(tok, rng, n) for n in (381, 382, 383, 384, 573, 574, 765)]
    write_rows(FIXTURES / "mpnet-embeddings.jsonl", model, texts)


def tiny_tokenizer(rng):
    """A WordPiece tokenizer with all-mpnet-base-v2's pipeline and added tokens, on a small vocabulary built
    here from a generated corpus: the special tokens, the 300 most frequent characters alone and as
    ##-continuations, the 280 most frequent words and a few suffixes (ties by code point, so the vocabulary
    is the same on every run; tokenizers' WordPieceTrainer breaks ties differently from run to run)."""
    normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True)
    splitter = pre_tokenizers.BertPreTokenizer()
    corpus = [hard_inputs.hard_mixture(rng, 16) for _ in range(3000)] + [prose(rng, 30) for _ in range(2000)] + SHORT
    words, characters = Counter(), Counter()
    for line in corpus:
        for word, _ in splitter.pre_tokenize_str(normalizer.normalize_str(line)):
            words[word] += 1
            characters.update(word)
    top_characters = [c for c, _ in sorted(characters.items(), key=lambda kv: (-kv[1], kv[0]))[:300]]
    top_words = [w for w, _ in sorted(words.items(), key=lambda kv: (-kv[1], kv[0])) if len(w) > 1][:280]
    vocab = ["<s>", "<pad>", "</s>", "<unk>", "[UNK]"] + top_characters + ["##" + c for c in top_characters]
    vocab += [w for w in top_words if w not in vocab] + ["##ing", "##ed", "##er", "##ly", "##tion", "##es"]
    tok = Tokenizer(tokenizer_models.WordPiece({t: i for i, t in enumerate(vocab)}, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizer
    tok.pre_tokenizer = splitter
    tok.decoder = decoders.WordPiece(prefix="##", cleanup=True)
    tok.add_special_tokens([AddedToken(t, special=True, normalized=t == "<unk>") for t in vocab[:5]])  # "<UNK>" lowercases into <unk>
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True, normalized=False)])
    tok.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0), trim_offsets=True, add_prefix_space=False)
    return tok


def tiny_fixture():
    torch.manual_seed(0)
    rng = random.Random(17)
    backend = tiny_tokenizer(rng)
    if TINY.exists():
        shutil.rmtree(TINY)
    fast = MPNetTokenizerFast(tokenizer_object=backend, bos_token="<s>", eos_token="</s>", sep_token="</s>", cls_token="<s>",
                              unk_token="[UNK]", pad_token="<pad>", mask_token="<mask>")
    config = MPNetConfig(vocab_size=backend.get_vocab_size(), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                         intermediate_size=64, max_position_embeddings=TINY_MAX_SEQ_LENGTH + 2, hidden_act="gelu",
                         layer_norm_eps=1e-5, relative_attention_num_buckets=32, pad_token_id=1)
    encoder = MPNetModel(config)  # with its pooler: a checkpoint carries it, the engine must ignore it
    with torch.no_grad():
        for name, p in encoder.named_parameters():
            if name.endswith("LayerNorm.weight"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif name == "encoder.relative_attention_bias.weight":
                p.copy_(2 * torch.randn_like(p))
            else:
                p.copy_(0.3 * torch.randn_like(p))
    encoder.eval()
    checkpoint = TINY / "checkpoint"
    encoder.save_pretrained(str(checkpoint), safe_serialization=True)
    fast.save_pretrained(str(checkpoint))
    # Real checkpoints (all-mpnet-base-v2) also hold the integer position_ids buffer: add it, as they do.
    weights = load_file(str(checkpoint / "model.safetensors"))
    weights["embeddings.position_ids"] = torch.arange(config.max_position_embeddings).unsqueeze(0)
    save_file(weights, str(checkpoint / "model.safetensors"), metadata={"format": "pt"})
    (checkpoint / "model.safetensors").chmod(0o644)
    # The sentence-transformers files in all-mpnet-base-v2's (2.x) layout, which sentence-transformers still reads.
    (checkpoint / "1_Pooling").mkdir()
    (checkpoint / "1_Pooling/config.json").write_text(json.dumps(
        {"word_embedding_dimension": 32, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
         "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False}, indent=2) + "\n")
    (checkpoint / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": TINY_MAX_SEQ_LENGTH, "do_lower_case": False}) + "\n")
    modules = [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
    (checkpoint / "modules.json").write_text(json.dumps(
        [{"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"} for i, (path, kind) in enumerate(modules)],
        indent=2) + "\n")

    model = SentenceTransformer(str(checkpoint), device="cpu")
    assert model.max_seq_length == TINY_MAX_SEQ_LENGTH and model.tokenizer.cls_token_id == 0 and model.tokenizer.sep_token_id == 2
    tok = model.tokenizer
    width = TINY_MAX_SEQ_LENGTH - 2
    texts = ["", "Buy milk", "<UNK> and <mask> tokens", "pay <pad> rent"] + SHORT
    texts += [hard_inputs.hard_mixture(rng, 8) for _ in range(16)]
    texts += texts_in(rng, tok, range(60, width + 1), 8)
    texts += texts_in(rng, tok, range(width + 1, 900), 8)
    # Window edges (198 content tokens a window, a step of 99), and distances past the last bucket (128).
    texts += [text_of(tok, rng, n) for n in (width - 1, width, width + 1, width + 2, 2 * (width // 2) + width - 1,
                                             2 * (width // 2) + width, 2 * (width // 2) + width + 1)]
    write_rows(TINY / "embeddings.jsonl", model, texts)

    # The bias must matter: the same texts without it give other vectors.
    bias = model[0].auto_model.encoder.relative_attention_bias.weight
    before = [embed_windows(model, t)[0] for t in texts[1:12]]
    with torch.no_grad():
        saved = bias.clone()
        bias.zero_()
        after = [embed_windows(model, t)[0] for t in texts[1:12]]
        bias.copy_(saved)
    cosines = sorted(float((torch.tensor(a) * torch.tensor(b)).sum()) for a, b in zip(before, after))
    print(f"tiny: cosine with and without the relative attention bias: median {cosines[len(cosines) // 2]:.3f}", file=sys.stderr)
    assert cosines[len(cosines) // 2] < 0.99, "the relative attention bias barely changes the tiny model: scale it up"

    relative = torch.arange(-1100, 1101)
    buckets = MPNetEncoder.relative_position_bucket(relative).tolist()
    (TINY / "buckets.json").write_text(json.dumps({"first_relative_position": -1100, "buckets": buckets}) + "\n")


def main():
    if len(sys.argv) > 2:
        sys.exit(__doc__)
    torch.set_num_threads(1)
    tiny_fixture()
    if len(sys.argv) == 2:
        real_model_fixture(pathlib.Path(sys.argv[1]))


if __name__ == "__main__":
    main()
