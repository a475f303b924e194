import pytest

from core.money import format_rupiah, rupiah_in_words


@pytest.mark.parametrize(("amount", "text"), [
    (0, "Rp 0"), (500, "Rp 500"), (1250000, "Rp 1.250.000"), (1000000000, "Rp 1.000.000.000"), (-7500, "-Rp 7.500"),
])
def test_rupiah_uses_indonesian_grouping(amount, text):
    assert format_rupiah(amount) == text


def test_rupiah_refuses_non_integers():
    with pytest.raises(TypeError):
        format_rupiah(12.5)


@pytest.mark.parametrize(("amount", "words"), [
    (0, "nol rupiah"),
    (11, "sebelas rupiah"),
    (15, "lima belas rupiah"),
    (100, "seratus rupiah"),
    (1000, "seribu rupiah"),
    (1250000, "satu juta dua ratus lima puluh ribu rupiah"),
    (2011500, "dua juta sebelas ribu lima ratus rupiah"),
    (115000, "seratus lima belas ribu rupiah"),
    (3000000000, "tiga miliar rupiah"),
])
def test_amount_in_words_reads_like_an_indonesian_invoice(amount, words):
    assert rupiah_in_words(amount) == words
