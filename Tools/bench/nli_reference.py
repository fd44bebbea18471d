#!/usr/bin/env python3
"""Reference timings for `todo bench` zero-shot: transformers' ZeroShotClassificationPipeline with a
random-weight model of a real NLI checkpoint's shape (speed does not depend on weight values), the same
tokenizer, inputs and thread count as ours.

    python nli_reference.py --shape distilroberta|bart-large-mnli --tokenizer tokenizer.json --inputs WORKLOADS.json --threads N

WORKLOADS.json maps a key to {"text": ..., "labels": [...]}. Prints {"torch_<key>": median ms, ...}.
"""
import argparse
import json
import statistics
import time
import warnings

warnings.filterwarnings("ignore")
import torch  # noqa: E402
from transformers import (BartConfig, BartForSequenceClassification, PreTrainedTokenizerFast, RobertaConfig,  # noqa: E402
                          RobertaForSequenceClassification, ZeroShotClassificationPipeline)
from transformers.utils import logging  # noqa: E402

logging.set_verbosity_error()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shape", required=True, choices=["distilroberta", "bart-large-mnli"])
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--threads", type=int, required=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    tok = PreTrainedTokenizerFast(tokenizer_file=args.tokenizer, bos_token="<s>", eos_token="</s>", sep_token="</s>",
                                  cls_token="<s>", unk_token="<unk>", pad_token="<pad>", mask_token="<mask>")
    labels = {"id2label": {0: "contradiction", 1: "neutral", 2: "entailment"},
              "label2id": {"contradiction": 0, "neutral": 1, "entailment": 2}}
    if args.shape == "distilroberta":
        config = RobertaConfig(vocab_size=50265, hidden_size=768, num_hidden_layers=6, num_attention_heads=12, intermediate_size=3072,
                               max_position_embeddings=514, type_vocab_size=1, pad_token_id=1, layer_norm_eps=1e-5, **labels)
        model = RobertaForSequenceClassification(config).eval()
    else:
        config = BartConfig(vocab_size=50265, d_model=1024, encoder_layers=12, decoder_layers=12, encoder_attention_heads=16,
                            decoder_attention_heads=16, encoder_ffn_dim=4096, decoder_ffn_dim=4096, max_position_embeddings=1024,
                            scale_embedding=False, pad_token_id=1, eos_token_id=2, decoder_start_token_id=2, **labels)
        model = BartForSequenceClassification(config).eval()
    pipe = ZeroShotClassificationPipeline(model=model, tokenizer=tok, device=-1)
    result = {}
    for key, work in json.load(open(args.inputs)).items():
        run = lambda: pipe(work["text"], candidate_labels=work["labels"])  # noqa: E731
        for _ in range(2):
            run()
        samples, deadline = [], time.perf_counter() + 15
        while len(samples) < 30 and (len(samples) < 5 or time.perf_counter() < deadline):  # at least 5 runs
            start = time.perf_counter()
            with torch.inference_mode():
                run()
            samples.append((time.perf_counter() - start) * 1000)
        result[f"torch_{key}"] = statistics.median(samples)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
