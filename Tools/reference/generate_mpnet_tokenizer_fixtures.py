#!/usr/bin/env python3
"""Golden fixtures for all-mpnet-base-v2's tokenizer, written with Hugging Face `tokenizers` (requirements.txt).

    python generate_mpnet_tokenizer_fixtures.py MPNET_MODEL_DIR

MPNET_MODEL_DIR is the sentence-transformers folder of all-mpnet-base-v2 (Tools/fetch-weights.sh
all-mpnet-base-v2 verifies and unpacks it; its bundle keeps the same tokenizer.json). Its tokenizer
is BERT's lowercasing WordPiece under RoBERTa's post-processor (`<s> A </s>`, pairs
`<s> A </s></s> B </s>`), with `<unk>` matched in normalized text and `<mask>` absorbing the space
before it. Writes under Tests/TokenizersTests/Fixtures/:
  mpnet/tokenizer.json   (copied)
  mpnet.jsonl            one line per input, as minilm.jsonl: the hard inputs of
                         generate_tokenizer_fixtures.py plus this tokenizer's own special-token cases
"""
import pathlib
import random
import shutil
import sys
import unicodedata

from tokenizers import Tokenizer

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from generate_tokenizer_fixtures import FIXTURES, inputs, record, write_jsonl  # noqa: E402

SEED = 20261203

# Its added tokens: <s> <pad> </s> (raw), <unk> (normalized: "<UNK>" lowercases into it), [UNK], <mask> (lstrip).
OWN_CASES = ["<unk>", "<UNK> token", "x<Unk>y", "[UNK]", "[unk]", "<mask>", "pay   <mask> rent", "<MASK>", "a<mask>",
             "<s>hello</s>", "<pad><pad>", "a</s></s>b", "<s> A </s></s> B </s>", "<ｕｎｋ>", "Ünk <unk>'s",
             unicodedata.normalize("NFD", "Crème brûlée <UNK> Québec"), "\t<unk>\n<mask>  ", "<<unk>>", "<unk<unk>>"]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    model_dir = pathlib.Path(sys.argv[1])
    target = FIXTURES / "mpnet"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(model_dir / "tokenizer.json", target / "tokenizer.json")
    tok = Tokenizer.from_file(str(target / "tokenizer.json"))
    tok.no_truncation()  # the file asks for 128 tokens, padded: sentence-transformers sets its own
    tok.no_padding()
    rng = random.Random(SEED)
    cases = [(t, None) for t in OWN_CASES] + [(t, rng.choice(OWN_CASES)) for t in OWN_CASES[:6]] + inputs(rng, 2000)
    write_jsonl(FIXTURES / "mpnet.jsonl", [record(tok, t, p) for t, p in cases])
    print(f"wrote {len(cases)} inputs to {FIXTURES / 'mpnet.jsonl'}", file=sys.stderr)


if __name__ == "__main__":
    main()
