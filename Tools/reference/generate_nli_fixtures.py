#!/usr/bin/env python3
"""Small random-weight NLI checkpoints and their expected outputs, with transformers (requirements-torch.txt).

    python generate_nli_fixtures.py [ARCH ...]

For each architecture (BERT with the all-MiniLM-L6-v2 tokenizer; RoBERTa and BART with the trained byte-level
BPE tokenizer of the tokenizers fixtures) it writes under Tests/InferenceTests/Fixtures/nli/<arch>/:
  checkpoint/      config.json (id2label in an order of its own), model.safetensors, tokenizer files
  checkpoint-bin/  the same weights as pytorch_model.bin (torch.save), config and tokenizer files
  logits.jsonl     raw logits for premise/hypothesis pairs (>= 100)
  pipeline.jsonl   ZeroShotClassificationPipeline results: texts x label sets x single/multi-label x two templates
The classification heads are scaled so that scores are far from uniform. Weights are tiny (hidden 32).
"""
import json
import pathlib
import random
import shutil
import sys

import torch
from transformers import (BartConfig, BartForSequenceClassification, BertConfig, BertForSequenceClassification, BertTokenizerFast,
                          PreTrainedTokenizerFast, RobertaConfig, RobertaForSequenceClassification, ZeroShotClassificationPipeline)

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import hard_inputs  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
TOKENIZER_FIXTURES = ROOT / "Tests/TokenizersTests/Fixtures"
OUT = ROOT / "Tests/InferenceTests/Fixtures/nli"

# Orders differ between architectures. transformers' pipeline takes contradiction = index 0 (or the last index when
# entailment is 0) rather than by name; these orders exercise both branches where that agrees with the names.
LABEL_ORDERS = {"bert": ["contradiction", "entailment", "neutral"], "roberta": ["entailment", "neutral", "contradiction"],
                "bart": ["contradiction", "neutral", "entailment"]}
LABEL_SETS = [["Work", "Personal", "Learning", "Health", "Shopping", "Finance"], ["urgent", "not urgent"],
              ["travel", "family", "money"], ["home repair", "exercise", "groceries", "taxes"]]
TEMPLATES = ["This example is {}.", "This task is about {}."]


def bert_model():
    # BertTokenizerFast returns token_type_ids (0 then 1 for pairs), as BERT NLI models are used;
    # the generic PreTrainedTokenizerFast would leave them out and the model would see type 0 throughout.
    tok = BertTokenizerFast(tokenizer_file=str(TOKENIZER_FIXTURES / "minilm/tokenizer.json"),
                            vocab_file=str(TOKENIZER_FIXTURES / "minilm/vocab.txt"))
    labels = LABEL_ORDERS["bert"]
    config = BertConfig(vocab_size=tok.backend_tokenizer.get_vocab_size(), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=512, type_vocab_size=2, hidden_act="gelu", initializer_range=0.4,
                        id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)})
    return BertForSequenceClassification(config), tok, [TOKENIZER_FIXTURES / "minilm" / f for f in ("tokenizer.json", "vocab.txt", "tokenizer_config.json")]


BYTE_LEVEL_FILES = [TOKENIZER_FIXTURES / "roberta-style-bpe" / f for f in ("tokenizer.json", "vocab.json", "merges.txt")]


def byte_level_tokenizer():
    """The trained RoBERTa-style tokenizer of the tokenizers fixtures, as RoBERTa and BART use it."""
    return PreTrainedTokenizerFast(tokenizer_file=str(TOKENIZER_FIXTURES / "roberta-style-bpe/tokenizer.json"),
                                   bos_token="<s>", eos_token="</s>", sep_token="</s>", cls_token="<s>", unk_token="<unk>",
                                   pad_token="<pad>", mask_token="<mask>")


def roberta_model():
    tok = byte_level_tokenizer()
    labels = LABEL_ORDERS["roberta"]
    config = RobertaConfig(vocab_size=tok.backend_tokenizer.get_vocab_size(), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                           intermediate_size=64, max_position_embeddings=514, type_vocab_size=1, pad_token_id=1, bos_token_id=0, initializer_range=0.4,
                           eos_token_id=2, hidden_act="gelu", id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)})
    return RobertaForSequenceClassification(config), tok, BYTE_LEVEL_FILES


def bart_model():
    tok = byte_level_tokenizer()
    labels = LABEL_ORDERS["bart"]
    # scale_embedding on (bart-large-mnli has it off) so that path is exercised too.
    config = BartConfig(vocab_size=tok.backend_tokenizer.get_vocab_size(), d_model=32, encoder_layers=2, decoder_layers=2,
                        encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64,
                        max_position_embeddings=512, scale_embedding=True, init_std=0.25, activation_function="gelu",
                        pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2, forced_eos_token_id=2,
                        id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)})
    return BartForSequenceClassification(config), tok, BYTE_LEVEL_FILES


def scale_head(model):
    # Random heads give near-uniform scores; scale the last layer so scores separate clearly.
    with torch.no_grad():
        if hasattr(model, "classification_head"):
            head = model.classification_head.out_proj
        else:
            head = model.classifier.out_proj if hasattr(model.classifier, "out_proj") else model.classifier
        head.weight.mul_(4)
        head.bias.normal_(0, 1)


def pairs(rng):
    out = []
    premises = ["Renew passport before the Zürich trip", "Buy milk and eggs", "Submit the expense report by Friday",
                "Book a dentist appointment for the kids", "Pay the electricity bill ASAP", "Learn 50 Spanish verbs",
                "Fix the leaking kitchen tap", ""]
    while len(out) < 120:
        premise = rng.choice(premises) if rng.random() < 0.5 else hard_inputs.hard_mixture(rng, 6)
        label = rng.choice(rng.choice(LABEL_SETS))
        out.append((premise, rng.choice(TEMPLATES).format(label)))
    return out


class _Exploit:
    """Unpickling this would run a shell command: a checkpoint reader must refuse it, not execute it."""

    def __reduce__(self):
        import os
        return (os.system, ("echo pwned > /tmp/smart-todo-pwned",))


def write_hostile_checkpoints():
    """Small archives a reader must refuse by name: code in the pickle, compressed entries, truncation."""
    import io
    import pickle
    import zipfile
    out = OUT / "hostile"
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out / "exploit.bin", "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pickle.dumps({"w": _Exploit()}, protocol=2))
    buffer = io.BytesIO()
    torch.save({"w": torch.ones(4)}, buffer)
    good = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out / "compressed.bin", "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item.filename))
    (out / "truncated.bin").write_bytes(good[: len(good) // 2])
    (out / "plain.bin").write_bytes(good)


def main():
    torch.manual_seed(0)
    write_hostile_checkpoints()
    rng = random.Random(11)
    only = set(sys.argv[1:])
    for arch, build in [("bert", bert_model), ("roberta", roberta_model), ("bart", bart_model)]:
        if only and arch not in only:
            continue
        model, tok, tokenizer_files = build()
        scale_head(model)
        model.eval()
        target = OUT / arch / "checkpoint"
        if target.exists():
            shutil.rmtree(target)
        model.save_pretrained(str(target), safe_serialization=True)
        for f in tokenizer_files:
            shutil.copy(f, target / f.name)
        # The same weights as pytorch_model.bin (torch.save of the state dict: a zip with a pickle).
        # BART's tied embeddings (shared, encoder/decoder embed_tokens) share one storage there.
        bin_dir = OUT / arch / "checkpoint-bin"
        if bin_dir.exists():
            shutil.rmtree(bin_dir)
        bin_dir.mkdir()
        torch.save(model.state_dict(), bin_dir / "pytorch_model.bin")
        for f in target.iterdir():
            if f.name not in ("model.safetensors",):
                shutil.copy(f, bin_dir / f.name)
        with open(OUT / arch / "logits.jsonl", "w", encoding="utf-8") as f:
            for premise, hypothesis in pairs(rng):
                enc = tok(premise, hypothesis, return_tensors="pt")
                assert arch != "bert" or "token_type_ids" in enc
                with torch.no_grad():
                    logits = model(**enc).logits[0].tolist()
                f.write(json.dumps({"premise": premise, "hypothesis": hypothesis, "logits": logits}, ensure_ascii=False) + "\n")
        pipe = ZeroShotClassificationPipeline(model=model, tokenizer=tok, device=-1)
        texts = ["Renew passport before the Zürich trip", "Buy running shoes, size 44", "Quarterly tax payment due Monday",
                 "Call mom about the birthday party", "Practice piano for 20 minutes", "Doctor appointment re: knee pain"]
        texts += [hard_inputs.hard_mixture(rng, 3)[:200] for _ in range(26)]
        with open(OUT / arch / "pipeline.jsonl", "w", encoding="utf-8") as f:
            for text in texts:
                for labels in LABEL_SETS:
                    for multi in (False, True):
                        for template in TEMPLATES:
                            r = pipe(text, candidate_labels=labels, hypothesis_template=template, multi_label=multi)
                            f.write(json.dumps({"text": text, "labels": labels, "template": template, "multi_label": multi,
                                                "result_labels": r["labels"], "scores": r["scores"]}, ensure_ascii=False) + "\n")
        print(f"{arch}: wrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
