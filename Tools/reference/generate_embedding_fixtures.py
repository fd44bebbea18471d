#!/usr/bin/env python3
"""Golden all-MiniLM-L6-v2 embeddings from sentence-transformers (requirements-torch.txt).

    python generate_embedding_fixtures.py MINILM_MODEL_DIR

Writes Tests/InferenceTests/Fixtures/minilm-embeddings.jsonl: one line per text with the
vector and the window count. Texts: tokenizer hard cases, short to-do texts, 100-256-token
texts, and texts over 256 tokens. A text of at most 254 content tokens is embedded by
SentenceTransformer.encode; a longer one by the window rule of the tokenizers issue, computed
here on the same model: windows of W = 254 content tokens starting every 127, each embedded as
[CLS] window [SEP] (mean pooling + L2 normalisation), combined as the mean weighted by content
tokens, L2-normalised.
"""
import json
import pathlib
import random
import sys

import torch
from sentence_transformers import SentenceTransformer

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import hard_inputs  # noqa: E402
from window_rule import windows  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/InferenceTests/Fixtures/minilm-embeddings.jsonl"




def embed_windows(model, text):
    tok = model.tokenizer
    ids = tok(text, add_special_tokens=False)["input_ids"]
    spans = windows(len(ids))
    if len(spans) == 1:
        return model.encode([text], convert_to_numpy=True, normalize_embeddings=False)[0], 1
    bert = model[0].auto_model
    vectors, weights = [], []
    with torch.no_grad():
        for a, b in spans:
            x = torch.tensor([[tok.cls_token_id] + ids[a:b] + [tok.sep_token_id]])
            h = bert(input_ids=x, attention_mask=torch.ones_like(x)).last_hidden_state[0]
            v = torch.nn.functional.normalize(h.mean(0), dim=0)
            vectors.append(v)
            weights.append(b - a)
    w = torch.tensor(weights, dtype=torch.float32)[:, None]
    combined = torch.nn.functional.normalize((torch.stack(vectors) * w).sum(0) / w.sum(), dim=0)
    return combined.numpy(), len(spans)


def texts(rng, tokenizer):
    out = [""]
    out += [hard_inputs.hard_mixture(rng, 6) for _ in range(110)]
    out += [hard_inputs.random_code_points(rng, 20) for _ in range(20)]
    short = ["Buy milk", "Call mom tomorrow", "Renew passport before the Zürich trip", "Pay rent", "Fix the leaking kitchen tap",
             "Submit expense report by Friday", "Book dentist appointment 🦷", "Learn 50 Spanish verbs", "Return the running shoes",
             "Prepare slides for Monday's all-hands", "Water the plants", "Email Jürgen about the invoice"]
    out += short + [rng.choice(short) + " " + rng.choice(hard_inputs.WORDS) for _ in range(70)]
    def prose(n_words):
        return " ".join(rng.choice(hard_inputs.WORDS + hard_inputs.ACCENTED + ["the", "a", "and", "to", "of", "."])
                        for _ in range(n_words))
    medium = []
    while len(medium) < 60:
        t = prose(rng.randint(90, 240))
        n = len(tokenizer(t, add_special_tokens=False)["input_ids"])
        if 100 <= n <= 254:
            medium.append(t)
    out += medium
    long = []
    while len(long) < 40:
        t = prose(rng.randint(250, 1400)) + ("\n\n" + hard_inputs.hard_mixture(rng, 20) if rng.random() < 0.3 else "")
        n = len(tokenizer(t, add_special_tokens=False)["input_ids"])
        if n > 254:
            long.append(t)
    # Exactly at the window edges.
    for target in (254, 255, 381, 382):
        words = []
        while len(tokenizer(" ".join(words), add_special_tokens=False)["input_ids"]) < target:
            words.append(rng.choice(["task", "plan", "budget", "review"]))
        long.append(" ".join(words))
    return out + long


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    torch.set_num_threads(1)
    model = SentenceTransformer(sys.argv[1], device="cpu")
    rng = random.Random(3)
    rows = []
    for text in texts(rng, model.tokenizer):
        vector, n = embed_windows(model, text)
        rows.append({"text": text, "windows": n, "vector": [float(f"{x:.8g}") for x in vector.tolist()]})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} embeddings ({sum(r['windows'] > 1 for r in rows)} windowed) to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
