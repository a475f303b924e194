"""Money is whole rupiah held in ``int``; these helpers format it at the edge."""

from __future__ import annotations

_ONES = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
         "sepuluh", "sebelas"]
_SCALES = [(10**12, "triliun"), (10**9, "miliar"), (10**6, "juta")]


def format_rupiah(amount: int) -> str:
    """``1250000`` → ``'Rp 1.250.000'`` (Indonesian digit grouping)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("rupiah amounts are integers")
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


def _words_below_thousand(n: int) -> str:
    if n < 12:
        return _ONES[n]
    if n < 20:
        return f"{_ONES[n - 10]} belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return f"{_ONES[tens]} puluh {_ONES[rest]}".strip()
    if n < 200:
        return f"seratus {_words_below_thousand(n - 100)}".strip()
    hundreds, rest = divmod(n, 100)
    return f"{_ONES[hundreds]} ratus {_words_below_thousand(rest)}".strip()


def _words(n: int) -> str:
    for scale, name in _SCALES:
        if n >= scale:
            head, rest = divmod(n, scale)
            return f"{_words(head)} {name} {_words(rest)}".strip()
    if n >= 1000:
        head, rest = divmod(n, 1000)
        prefix = "seribu" if head == 1 else f"{_words_below_thousand(head)} ribu"
        return f"{prefix} {_words_below_thousand(rest)}".strip()
    return _words_below_thousand(n)


def rupiah_in_words(amount: int) -> str:
    """The amount spelled out in Indonesian (terbilang), as invoices print it.

    ``1250000`` → ``'satu juta dua ratus lima puluh ribu rupiah'``.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError("terbilang takes a non-negative whole rupiah amount")
    if amount == 0:
        return "nol rupiah"
    return f"{_words(amount)} rupiah"


_EN_SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
             "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_EN_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand"))


def _en_below_thousand(n: int) -> str:
    words = []
    if n >= 100:
        words.append(f"{_EN_SMALL[n // 100]} hundred")
        n %= 100
    if n >= 20:
        words.append(_EN_TENS[n // 10] + (f"-{_EN_SMALL[n % 10]}" if n % 10 else ""))
    elif n:
        words.append(_EN_SMALL[n])
    return " ".join(words)


def rupiah_in_words_en(amount: int) -> str:
    """The amount spelled out in English, for English invoices: ``1250000`` → ``'one million two hundred
    fifty thousand rupiah'``."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError("amounts in words take a non-negative whole rupiah amount")
    if amount == 0:
        return "zero rupiah"
    words, rest = [], amount
    for scale, name in _EN_SCALES:
        if rest >= scale:
            count = rest // scale
            spoken = _en_below_thousand(count) if count < 1000 else rupiah_in_words_en(count).removesuffix(" rupiah")
            words.append(f"{spoken} {name}")
            rest %= scale
    if rest:
        words.append(_en_below_thousand(rest))
    return " ".join(words) + " rupiah"
