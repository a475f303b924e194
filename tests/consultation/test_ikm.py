"""The satisfaction index against a hand-worked example."""

import pytest

from consultation.ikm import compute, grade_of

# Four respondents, nine elements each (PermenPANRB 14/2017).
RESPONSES = [
    (4, 4, 3, 4, 3, 3, 4, 3, 3),
    (3, 3, 3, 4, 3, 4, 4, 3, 3),
    (3, 4, 2, 4, 3, 3, 3, 3, 2),
    (4, 3, 3, 4, 3, 4, 4, 3, 3),
]


def test_the_index_matches_the_hand_worked_example():
    # NRR per element: 14/4, 14/4, 11/4, 16/4, 12/4, 14/4, 15/4, 12/4, 11/4
    #   = 3.50, 3.50, 2.75, 4.00, 3.00, 3.50, 3.75, 3.00, 2.75  (sum 29.75)
    # weighted equally (1/9): 29.75 / 9 = 3.30556; index = 3.30556 × 25 = 82.64 → grade B (76.61–88.30)
    result = compute(RESPONSES)
    assert result.respondents == 4
    assert result.nrr == (3.5, 3.5, 2.75, 4.0, 3.0, 3.5, 3.75, 3.0, 2.75)
    assert result.index == 82.64
    assert result.grade == "B"


@pytest.mark.parametrize(("index", "grade"), [(100, "A"), (88.31, "A"), (88.30, "B"), (76.61, "B"),
                                               (76.60, "C"), (65.00, "C"), (64.99, "D"), (25.00, "D")])
def test_grade_boundaries(index, grade):
    assert grade_of(index)[0] == grade


def test_a_score_outside_one_to_four_is_refused():
    with pytest.raises(ValueError):
        compute([(5, 4, 4, 4, 4, 4, 4, 4, 4)])
