"""Reading numbers from quotes: each way the sources write a number."""

import pytest

from fraudbook.data.numbers import numbers_in, states_number

CASES = [
    ("A total of 31,000 suspects", 31_000),
    ("68.5% of all international cases", 68.5),
    ("lost an estimated $37 billion (€32.5 billion)", 37e9),
    ("lost an estimated $37 billion (€32.5 billion)", 32.5e9),
    ("just under US$40bn in profits", 40e9),
    ("intercepted 2.1 billion phone calls", 2.1e9),
    ("破获电信网络诈骗犯罪案件46.4万起", 464_000),
    ("封堵IP地址3.8万个", 38_000),
    ("拦截诈骗电话21亿次", 2.1e9),
    ("抓獲6.8萬名", 68_000),
    ("between 20 billion and 40 billion U.S. dollars", 20e9),
    ("USD 20-40 billion a year", 20e9),
    ("USD 20-40 billion a year", 40e9),
    ("Six online fraud suspects were handed over", 6),
    ("half a million people", 500_000),
    ("超过六成", 60),
    ("more than $750m", 750e6),
    ("120,000 yuan ($16,450)", 16_450),
    ("Der Dollar kostete damit 0,9296 Euro.", 0.9296),
    ("ein Kurs von 1,08 Dollar", 1.08),
]


@pytest.mark.parametrize("text,value", CASES)
def test_states_number(text, value):
    assert states_number(text, value), numbers_in(text)


@pytest.mark.parametrize("text,value", [
    ("lost an estimated $37 billion", 37),        # the scale is part of the number
    ("lost an estimated $37 billion", 37e6),
    ("A total of 31,000 suspects", 3_100),
    ("46.4万起", 46.4),
    ("a 3 m wall", 3e6),                           # a spaced single letter is no scale
    ("1,389 deported", 1.389),                     # three digits after a comma: thousands
])
def test_does_not_state_other_numbers(text, value):
    assert not states_number(text, value), numbers_in(text)


def test_a_value_times_its_scale_is_exact():
    from fraudbook.data.numbers import factor, scaled

    assert scaled("4.1", "billion") == 4_100_000_000 and scaled(16.6, "billion") == 16_600_000_000
    assert scaled("0.35", "million") == 350_000 and scaled("2.5", "") == 2.5
    assert factor(None) == factor(float("nan")) == factor("") == 1.0 and factor("thousand") == 1e3
