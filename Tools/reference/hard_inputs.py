"""Inputs that break tokenizers: shared by the fixture generator and the fuzz test."""
import random
import unicodedata

WORDS = ("buy milk call mom submit expense report before friday dentist appointment renew passport "
         "pay rent fix the leaking kitchen tap book flights to Lisbon review pull request prepare "
         "slides quarterly budget meeting notes urgent asap tomorrow next week groceries running "
         "shoes tax return insurance claim learn Spanish practice piano water the plants").split()
ACCENTED = ["Café", "naïve", "Québec", "São Paulo", "Zürich", "Ångström", "façade", "Dvořák", "Łódź",
            "crème brûlée", "Øresund", "İstanbul", "ΑΘΗΝΑ", "Straße", "ǅemal", "Ŀ", "ﬁnance"]
SCRIPTS = ["日本語のテキスト", "中文分词测试", "한국어 문장입니다", "ภาษาไทยไม่มีช่องว่าง", "مرحبا بالعالم",
           "नमस्ते दुनिया", "Привет, мир", "שלום עולם", "Γειά σου Κόσμε", "ქართული", "𠀋𡈽𡌛", "ｆｕｌｌｗｉｄｔｈ",
           "ᄀᄁᄂ", "ཀཁག", "ሰላም", "ᐃᓄᒃᑎᑐᑦ"]
EMOJI = ["🙂", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "❤️", "🇫🇷", "🥰", "🫠", "🧑🏿‍💻", "✈︎", "©", "™", "👩‍❤️‍💋‍👨"]
CONTROLS = ["\u0000", "\u00ad", "\u200b", "\ufeff", "\u2028", "\u2029", "\u0085", "\u00a0", "\u3000",
            "\u200d", "\u0007", "\ufffd", "\u001f", "\u000b", "\u000c", "\u202e", "\ue000"]
SPACES = ["\n", "\t", "\r", "\r\n", "  ", "   ", " \n ", "\t\t"]
PUNCT = ["!!!", "???", "...", "—", "–", "«»", "“quoted”", "‘single’", "(parens)", "[brackets]", "{}", "¿¡", "、。",
         "@#$%^&*", "~`|\\", "''", "'s", "'re", "'LL", "I'm", "don't", "we've", "they'd", "o'clock"]
NUMBERS = ["3.14159", "1,000,000", "42", "٣٤٥", "१२३", "½", "²", "Ⅻ", "2026-12-01", "10:30am", "+49 30 1234567",
           "$420", "€1.299,00", "0x1F600", "1e-4", "100%"]
URLS = ["https://example.com/path?q=1&x=y#frag", "http://localhost:8080", "www.smart-todo.app", "ftp://files.test/a_b.txt"]
EMAILS = ["jane.doe@example.com", "bob+tasks@mail.co.uk", "x_y@z.io"]
CODE = ["def f(x): return x**2", "if (a && b) { return -1; }", "SELECT * FROM tasks WHERE id=7;",
        "let xs = [1, 2, 3].map { $0 * 2 }", "<div class=\"task\">done</div>", "#include <stdio.h>", "x += 1 // TODO"]
SPECIAL = ["[CLS]", "[SEP]", "[MASK]", "[UNK]", "[PAD]", "<s>", "</s>", "<mask>", "<pad>", "<unk>", "[cls]"]


def long_word(rng):
    alphabet = rng.choice(["abcdefghij", "éàü", "日本", "ab1", "xyz-"])
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(95, 180)))


def pool_item(rng):
    pools = [WORDS, ACCENTED, SCRIPTS, EMOJI, CONTROLS, SPACES, PUNCT, NUMBERS, URLS, EMAILS, CODE, SPECIAL]
    item = rng.choice(rng.choice(pools))
    if rng.random() < 0.15:
        item = unicodedata.normalize(rng.choice(["NFD", "NFC", "NFKD"]), item)
    if rng.random() < 0.1:
        item = item.upper()
    return item


def hard_mixture(rng, max_items=12):
    parts = []
    for _ in range(rng.randint(1, max_items)):
        parts.append(long_word(rng) if rng.random() < 0.03 else pool_item(rng))
        parts.append(rng.choice([" ", " ", " ", "", "  ", "\n", "\t"]))
    text = "".join(parts)
    if rng.random() < 0.2:
        text = rng.choice([" ", "  ", "\n", "\t "]) + text
    if rng.random() < 0.2:
        text += rng.choice([" ", "   ", "\n", " \t"])
    return text


# Unicode blocks the random-code-point strings draw from (start, end inclusive).
BLOCKS = [(0x20, 0x7E), (0x00, 0x1F), (0x80, 0xFF), (0x100, 0x24F), (0x250, 0x2FF), (0x300, 0x36F), (0x370, 0x3FF),
          (0x400, 0x4FF), (0x530, 0x58F), (0x590, 0x5FF), (0x600, 0x6FF), (0x700, 0x74F), (0x780, 0x7BF), (0x900, 0x97F),
          (0x980, 0x9FF), (0xA00, 0xA7F), (0xB80, 0xBFF), (0xC00, 0xC7F), (0xD00, 0xD7F), (0xE00, 0xE7F), (0xE80, 0xEFF),
          (0xF00, 0xFFF), (0x1000, 0x109F), (0x10A0, 0x10FF), (0x1100, 0x11FF), (0x1200, 0x137F), (0x13A0, 0x13FF),
          (0x1780, 0x17FF), (0x1E00, 0x1EFF), (0x1F00, 0x1FFF), (0x2000, 0x206F), (0x2070, 0x209F), (0x20A0, 0x20CF),
          (0x2100, 0x214F), (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2460, 0x24FF), (0x2500, 0x257F), (0x2600, 0x26FF),
          (0x2700, 0x27BF), (0x2E80, 0x2EFF), (0x3000, 0x303F), (0x3040, 0x309F), (0x30A0, 0x30FF), (0x3130, 0x318F),
          (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA000, 0xA48F), (0xA640, 0xA69F), (0xAC00, 0xD7A3), (0xE000, 0xF8FF),
          (0xF900, 0xFAFF), (0xFB00, 0xFB4F), (0xFE00, 0xFE0F), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0xFFF0, 0xFFFD),
          (0x10000, 0x1007F), (0x10400, 0x1044F), (0x1D400, 0x1D7FF), (0x1F300, 0x1F5FF), (0x1F600, 0x1F64F),
          (0x1F900, 0x1F9FF), (0x1FA70, 0x1FAFF), (0x20000, 0x2A6DF), (0x2A700, 0x2CEAF), (0x2F800, 0x2FA1F),
          (0xE0000, 0xE007F), (0xF0000, 0xF00FF), (0x10FF00, 0x10FFFD)]


def random_code_points(rng, max_len=40):
    out = []
    block = rng.choice(BLOCKS)
    for _ in range(rng.randint(0, max_len)):
        if rng.random() < 0.2:
            block = rng.choice(BLOCKS)
        c = rng.randint(*block)
        if 0xD800 <= c <= 0xDFFF:
            continue
        out.append(chr(c))
        if rng.random() < 0.15:
            out.append(" ")
    return "".join(out)


def random_input(rng):
    r = rng.random()
    if r < 0.45:
        return random_code_points(rng)
    if r < 0.9:
        return hard_mixture(rng)
    return random_code_points(rng, 8) + hard_mixture(rng, 4)
